#!/usr/bin/env bash
# Builds what scripts/device_check.sh needs on the GPU machine, which has no Node, Deno or internet:
#   .device/toolrl_device.js  scripts/device/engine_deno.ts bundled with its npm code (esbuild), no node_modules needed
#   .device/deno.xz           this checkout's Deno binary (node_modules/deno/deno), xz -9 (about 31 MB)
#   .gl/*.deb                 the Vulkan loader and GL/EGL libraries (amd64) for machines whose image lacks them
# Both folders are git-ignored; the device call carries them: carry [".device", ".gl"] (64 MiB at most in all).
# Run here, from the repository root: bash scripts/device_prepare.sh
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
mkdir -p .device .gl
node scripts/device/bundle.mjs .device/toolrl_device.js
if [ ! -f .device/deno.xz ] || [ node_modules/deno/deno -nt .device/deno.xz ]; then
  echo "compressing node_modules/deno/deno (xz -9, a few minutes)"
  xz -9 -T2 -c node_modules/deno/deno > .device/deno.xz.part
  mv .device/deno.xz.part .device/deno.xz
fi
if ! ls .gl/*.deb >/dev/null 2>&1; then
  mkdir -p /tmp/amd64/partial
  o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64)
  apt-get "${o[@]}" update
  (cd .gl && apt-get "${o[@]}" download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
fi
du -ch .device .gl | tail -1
total=$(du -cb .device .gl | tail -1 | cut -f1)
[ "$total" -le $((64 * 1024 * 1024)) ] || { echo "the carried folders hold $total bytes, over the 64 MiB a device call takes"; exit 1; }
echo "ready: bash scripts/device_check.sh, with carry [\".device\", \".gl\"]"
