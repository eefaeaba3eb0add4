## The end of the summary the script prints before it builds: EXTRA_FLAGS with words that look like secrets masked
## (slot @SECRET_WORD_PATTERNS@: case globs from ModelNaming.SecretMarkers), and the destination. Reads mg_words,
## mg_dest. Not rendered: these '## ' lines.
mg_shown=''
for mg_w in $mg_words; do
  case $mg_w in
    @SECRET_WORD_PATTERNS@) mg_shown="$mg_shown ***" ;;
    *) mg_shown="$mg_shown $mg_w" ;;
  esac
done
printf '  %s=%s\n' 'EXTRA_FLAGS' "${mg_shown# }"
printf '  %s=%s\n' 'destination' "$mg_dest"
