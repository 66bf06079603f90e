# Sourced by the benchmark scripts, from the repository root with N and work set: builds the
# release binary and the input generator, and writes (once) N generated Deployments to
# $work/deployments-N.yaml. Sets bin and input.
cargo build --release --quiet --bin plimsoll --example generate
bin=target/release/plimsoll
mkdir -p "$work"
input="$work/deployments-$N.yaml"
[ -s "$input" ] || target/release/examples/generate "$N" > "$input"
