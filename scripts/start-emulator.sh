# Sourced by the demo scripts: builds the package, puts the Pulumi CLI on PATH, starts the emulator in
# the background with the flags in the array EMULATOR_FLAGS, and defines `field NAME` for its connection info.
# Needs `demo` (a working directory) set by the caller; the emulator is stopped when the shell exits.
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
echo "==> build"
npm run --silent build
bin="$(bash scripts/pulumi-toolchain.sh | tail -n 1)"
export PATH="$bin:$PATH"

node dist/emulator/bin.js --port 0 "${EMULATOR_FLAGS[@]}" >"$demo/emulator.out" 2>"$demo/emulator.err" &
emu=$!
trap 'kill $emu 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$demo/emulator.out" ] && break; sleep 0.1; done
info="$(head -n 1 "$demo/emulator.out")"
[ -n "$info" ] || { cat "$demo/emulator.err"; echo "the emulator did not start" >&2; exit 1; }
field() { node -e 'console.log(JSON.parse(process.argv[1])[process.argv[2]])' "$info" "$1"; }
