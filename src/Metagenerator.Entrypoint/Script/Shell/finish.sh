## The script's last line, after the builder's commands succeeded. Not rendered: these '## ' lines.
printf 'generator: pushed %s\n' "$mg_dest"
