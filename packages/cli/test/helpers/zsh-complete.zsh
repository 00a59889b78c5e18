# Completes a command line in a real interactive zsh and prints the candidates, one a line.
# Usage: zsh -f zsh-complete.zsh <completion script> <command line>
# An interactive zsh runs on a pseudo-terminal (zpty) with compinit; the line is typed followed by
# TAB, so the real completion system dispatches to the function the script registered with compdef.
# compadd is wrapped to print what it accepted (after zsh's own prefix matching), and the shell
# exits once the completion is done. Technique from https://github.com/Valodim/zsh-capture-completion
zmodload zsh/zpty || exit 3
local script=$1 buffer=$2 line
zpty z zsh -f -i
zpty -w z 'PROMPT= RPROMPT= PS2='
zpty -w z 'autoload -Uz compinit && compinit -u -D'
zpty -w z "source ${(q)script}"
zpty -w z 'bindkey "^I" complete-word'
zpty -w z 'comppostfuncs=(exit)'
# The markers are split in the typed text ("<<<h""it>>>") so the terminal's echo of it never matches.
zpty -w z 'compadd() { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi; local -a __hits; builtin compadd -A __hits "$@"; (( $#__hits )) && print -rl -- "<<<h""it>>>"${^__hits} }'
zpty -w z 'print -r -- "<<<rea""dy>>>"'
while zpty -r z line; do [[ $line == *"<<<ready>>>"* ]] && break; done
zpty -w -n z "$buffer"$'\t'
while zpty -r z line; do
  [[ $line == *"<<<hit>>>"* ]] && print -r -- ${${line#*"<<<hit>>>"}//[$'\r\n']/}
done
zpty -d z 2>/dev/null
return 0
