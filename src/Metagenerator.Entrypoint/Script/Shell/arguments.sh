## The generator script's arguments: 'help'/'--help' prints the help text (slot @HELP_TEXT@, a single-quoted
## literal), anything else is refused. Not rendered: these '## ' lines. Slots: @NAME@, filled by GeneratorScript.
if [ "$#" -gt 0 ]; then
  case $1 in
    help|--help)
      printf '%s' @HELP_TEXT@
      exit 0 ;;
    *) mg_fail "unexpected argument: $1 (the generator reads its settings from environment variables; run with --help)" ;;
  esac
fi
