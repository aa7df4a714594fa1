#!/bin/sh
# Decodes videos, back to back (FFmpeg's concat demuxer), into numbered JPEG files
# OUTDIR/000001.jpg, ...: every EVERY-th frame (1: all; 5: 5 fps of a 25 fps video). The select
# filter keeps exactly the frames oad ingest keeps at that rate; FFmpeg's fps filter may pick a
# neighbouring frame instead.
# usage: jpegs_from_video.sh OUTDIR EVERY VIDEO...
set -eu
out=$1 every=$2
shift 2
mkdir -p "$out"
list=$(mktemp)
trap 'rm -f "$list"' EXIT
for video in "$@"; do
  printf "file '%s'\n" "$(realpath "$video")" >>"$list"
done
ffmpeg -nostdin -loglevel error -f concat -safe 0 -i "$list" \
  -vf "select=not(mod(n\,$every))" -fps_mode passthrough -q:v 2 "$out/%06d.jpg"
