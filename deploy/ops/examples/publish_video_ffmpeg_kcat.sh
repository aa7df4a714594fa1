#!/bin/sh
# Publishes every EVERY-th frame of videos (back to back) to oad.frames as FFmpeg decodes them at
# the videos' own pace (-re): FFmpeg writes one MJPEG stream, kcat cuts it into one JPEG per
# message at each end-of-image marker (FF D9; kcat drops the marker, the extractor accepts JPEGs
# lacking only that). -flush_packets 1 writes each frame at once (not 32 kB at a time). Key =
# camera id, no headers; kcat stamps each record with its sending time, the capture time.
# usage: publish_video_ffmpeg_kcat.sh BROKER CAMERA EVERY VIDEO...
set -eu
broker=$1 camera=$2 every=$3
shift 3
list=$(mktemp)
trap 'rm -f "$list"' EXIT
for video in "$@"; do
  printf "file '%s'\n" "$(realpath "$video")" >>"$list"
done
ffmpeg -nostdin -loglevel error -re -f concat -safe 0 -i "$list" \
  -vf "select=not(mod(n\,$every))" -fps_mode passthrough -f image2pipe -c:v mjpeg -q:v 2 -flush_packets 1 - |
  kcat -P -b "$broker" -t oad.frames -k "$camera" -D '\xff\xd9'
