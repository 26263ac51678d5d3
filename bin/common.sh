# Shared by the bin/ scripts (sourced, not run). Resolves the install root and builds what is missing.
BROKER_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BROKER_BUILD_DIR="${BROKER_BUILD_DIR:-$BROKER_HOME/.build}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# ensure_built PROJECT NAME: builds src/PROJECT into .build/NAME when the output is missing or older than any source.
ensure_built() {
  local project=$1 name=$2 out="$BROKER_BUILD_DIR/$2"
  local dll="$out/$project.dll"
  command -v dotnet >/dev/null 2>&1 || die "the .NET SDK (dotnet) is not on PATH; install .NET 10 first"
  mkdir -p "$BROKER_BUILD_DIR"
  (
    # One build at a time, even when several brokers start together.
    exec 9>"$BROKER_BUILD_DIR/.build.lock"
    flock 9
    if [ ! -f "$dll" ] || [ -n "$(find "$BROKER_HOME/src" "$BROKER_HOME/Directory.Build.props" "$BROKER_HOME/Directory.Packages.props" \
          \( -name obj -o -name bin \) -prune -o \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' -o -name '*.config' \) \
          -newer "$dll" -print -quit 2>/dev/null)" ]; then
      echo "Building $project (Release) into $out ..." >&2
      dotnet build "$BROKER_HOME/src/$project/$project.csproj" -c Release -o "$out" -nologo -v q -clp:ErrorsOnly >&2 \
        || die "build of $project failed"
      # An incremental build may leave the dll's time unchanged; mark the output fresh so the next call skips the build.
      touch "$dll"
    fi
  ) || exit 1
  echo "$dll"
}
