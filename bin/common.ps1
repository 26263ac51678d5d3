# Shared by the bin/*.ps1 scripts (dot-sourced). Resolves the install root and builds what is missing.
$ErrorActionPreference = 'Stop'
$script:BrokerHome = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
$script:BrokerBuildDir = if ($env:BROKER_BUILD_DIR) { $env:BROKER_BUILD_DIR } else { Join-Path $BrokerHome '.build' }
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

function Stop-WithError([string]$Message) {
    [Console]::Error.WriteLine("$(Split-Path -Leaf $MyInvocation.PSCommandPath): $Message")
    exit 1
}

# Builds src/<Project> into .build/<Name> when the output is missing or older than any source; returns the dll path.
function Confirm-Built([string]$Project, [string]$Name) {
    if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) { Stop-WithError 'the .NET SDK (dotnet) is not on PATH; install .NET 10 first' }
    $out = Join-Path $BrokerBuildDir $Name
    $dll = Join-Path $out "$Project.dll"
    $stale = -not (Test-Path $dll)
    if (-not $stale) {
        $built = (Get-Item $dll).LastWriteTimeUtc
        $stale = [bool](Get-ChildItem -Path (Join-Path $BrokerHome 'src') -Recurse -File -Include '*.cs', '*.csproj', '*.json' |
            Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' -and $_.LastWriteTimeUtc -gt $built } | Select-Object -First 1)
    }
    if ($stale) {
        [Console]::Error.WriteLine("Building $Project (Release) into $out ...")
        & dotnet build (Join-Path $BrokerHome "src/$Project/$Project.csproj") -c Release -o $out -nologo -v q -clp:ErrorsOnly |
            ForEach-Object { [Console]::Error.WriteLine($_) }
        if ($LASTEXITCODE -ne 0) { Stop-WithError "build of $Project failed" }
        # An up-to-date incremental build keeps the old timestamp; mark it fresh so the next run does not rebuild.
        (Get-Item $dll).LastWriteTimeUtc = [DateTime]::UtcNow
    }
    return $dll
}
