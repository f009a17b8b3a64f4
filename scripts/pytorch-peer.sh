#!/usr/bin/env bash
# Unpacks Debian's python3-torch (PyTorch 1.13) and the libraries it needs into a folder, without root, and writes a
# python3 wrapper there for `graft bench --python DIR/python3`. Needs Debian/Ubuntu apt and the system /usr/bin/python3
# that python3-torch is built for. Only packages not installed on this machine are downloaded; nothing is installed.
#
#   scripts/pytorch-peer.sh /work/.cache/pt113          # then: bin/graft bench --python /work/.cache/pt113/python3
#
# The wrapper runs torch with OpenBLAS (pthreads build): the downloaded one when the machine has none, else the one the
# system's libblas.so.3 alternative names (check it is not the reference BLAS, ~10x slower: the bench records which
# library torch's sgemm_ comes from and warns). BLASDIR=<folder with libblas.so.3> picks another one, e.g.
# DIR/root/usr/lib/x86_64-linux-gnu/openblas-openmp.
set -euo pipefail
dest="${1:?usage: scripts/pytorch-peer.sh DEST_DIR}"
mkdir -p "$dest/debs" "$dest/root"
dest="$(cd "$dest" && pwd)"
cd "$dest/debs"
apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances \
  python3-torch | grep -E '^[a-z0-9]' | sort -u > wanted.txt
# libtorch1.13 recommends an optimised BLAS; the OpenMP and serial OpenBLAS builds come with the closure above.
echo libopenblas0-pthread >> wanted.txt
dpkg-query -W -f='${Package}\n' | sort -u > installed.txt
sort -u wanted.txt | comm -23 - installed.txt > missing.txt
if [[ -s missing.txt ]]; then
  apt-get download $(cat missing.txt)
fi
for deb in ./*.deb; do
  [[ -e "$deb" ]] && dpkg -x "$deb" "$dest/root"
done
cat > "$dest/python3" <<'WRAPPER'
#!/bin/sh
# Debian's python3-torch unpacked under this folder (scripts/pytorch-peer.sh), run with the system python3.
# BLASDIR=<folder holding libblas.so.3> picks another BLAS than the system alternative.
R="$(dirname "$(readlink -f "$0")")/root"; L=$R/usr/lib/x86_64-linux-gnu
export PYTHONPATH="$R/usr/lib/python3/dist-packages${PYTHONPATH:+:$PYTHONPATH}"
export LD_LIBRARY_PATH="${BLASDIR:+$BLASDIR:}$L:$L/openblas-pthread:$R/usr/lib:$R/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
exec /usr/bin/python3 "$@"
WRAPPER
chmod +x "$dest/python3"
"$dest/python3" -c 'import torch; print("torch", torch.__version__)'
echo "ready: bin/graft bench --python $dest/python3"
