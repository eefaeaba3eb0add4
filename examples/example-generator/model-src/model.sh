#!/bin/sh
# A stand-in simulation model: prints the values it was built with.
cat /model/build-args
