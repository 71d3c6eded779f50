#!/usr/bin/env bash
# Sourced by scripts/test.sh and scripts/fresh-app/run.sh, which start servers with setsid.

# stop_process_group <pid>: stops the process group that <pid> leads (yarn, the CLI and the
# server it started): TERM, up to 20 s to exit, then KILL; and reaps <pid>.
stop_process_group() {
  local pid="$1" i
  kill -TERM -- "-$pid" 2>/dev/null || true
  for i in $(seq 1 40); do
    kill -0 -- "-$pid" 2>/dev/null || break
    sleep 0.5
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
