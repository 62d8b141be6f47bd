#!/usr/bin/env bash
# A real single-node Slurm cluster from Debian's packages (slurmctld, slurmd, slurm-client, munge),
# started by hand (no systemd), for the tests that submit job arrays (tests/slurm_*_test.ts).
#
#   .ci/slurm.sh start    start munged, slurmctld and slurmd; wait until the node is idle
#   .ci/slurm.sh stop     stop them again (what this script started)
#   .ci/slurm.sh status   exit 0 when sinfo answers with an idle or busy node
#
# The configuration is the one measured to work in a container as root (../shared/NOTES.md,
# "Slurm"): SlurmUser=root, proctrack/linuxproc, task/none, no accounting database (sacct does not
# work; task states come from scontrol), jobcomp/filetxt, cons_tres with CR_Core, ReturnToService=2,
# MinJobAge=3600, kill_invalid_depend (an afterok job on a failed array is cancelled instead of
# pending forever), and the node line from `slurmd -C`. It is written to /etc/slurm/slurm.conf
# only when that file is missing or was written by this script (a marker line says so).
# PID 1 in containers may not reap, so a stopped daemon can linger as a zombie: liveness is read
# from /proc/<pid>/status, never from kill -0.
set -euo pipefail

CONF=/etc/slurm/slurm.conf
MARKER="# written by dfrobust .ci/slurm.sh"
STATE=/var/spool/slurmctld
SPOOL=/var/spool/slurmd
LOGS=/var/log/slurm
CTLD_PID=/run/slurmctld.pid
SLURMD_PID=/run/slurmd.pid
MUNGE_PID=/run/munge/munged.pid
STARTED=/run/dfrobust-slurm.started

# True when the process in pid file $1 runs (exists and is not a zombie).
running() {
  local pid
  [ -s "$1" ] || return 1
  # The daemon may remove its pid file between the test above and this read.
  pid=$(cat "$1" 2>/dev/null) || return 1
  [ -r "/proc/$pid/status" ] || return 1
  ! grep -qE '^State:\s+[ZX]' "/proc/$pid/status"
}

# Waits up to $2 seconds for the process in pid file $1 to end.
wait_gone() {
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    running "$1" || return 0
    sleep 0.1
  done
  return 1
}

# The node's state as sinfo reports it; empty when nobody answers (sinfo retries a while when
# slurmctld is down: cut it short).
node_state() {
  timeout 3 sinfo -h -o %T 2>/dev/null | head -n 1 || true
}

need() {
  command -v "$1" >/dev/null 2>&1 || {
    echo "slurm.sh: $1 not found: apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge" >&2
    exit 1
  }
}

write_conf() {
  if [ -f "$CONF" ] && ! grep -qF "$MARKER" "$CONF"; then
    echo "slurm.sh: keeping the existing $CONF (not written by this script)"
    return
  fi
  local host node
  host=$(hostname -s)
  # First line of `slurmd -C`: NodeName=<host> CPUs=... RealMemory=... as detected (a node line
  # that promises more than the machine has drains the node).
  node=$(slurmd -C | head -n 1)
  mkdir -p "$(dirname "$CONF")"
  cat >"$CONF" <<EOF
$MARKER
ClusterName=dfrobust
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$LOGS/jobcomp.log
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=3600
DependencyParameters=kill_invalid_depend
StateSaveLocation=$STATE
SlurmdSpoolDir=$SPOOL
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
KillWait=5
$node State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

start() {
  for tool in munged slurmctld slurmd sinfo sbatch; do need "$tool"; done
  case "$(node_state)" in
    idle* | mix* | alloc*)
      echo "slurm.sh: a Slurm cluster is already answering ($(node_state))"
      return 0
      ;;
  esac
  [ -f /etc/munge/munge.key ] || mungekey --create
  install -d -o munge -g munge -m 0755 /run/munge
  if ! running "$MUNGE_PID"; then
    runuser -u munge -- /usr/sbin/munged
  fi
  write_conf
  mkdir -p "$STATE" "$SPOOL" "$LOGS"
  running "$CTLD_PID" || slurmctld
  running "$SLURMD_PID" || slurmd
  touch "$STARTED"
  local i state=""
  for ((i = 0; i < 300; i++)); do
    state=$(node_state)
    case "$state" in idle* | mix* | alloc*) break ;; esac
    sleep 0.1
  done
  case "$state" in
    idle* | mix* | alloc*) ;;
    *)
      echo "slurm.sh: the node did not come up (state: ${state:-no answer}); logs:" >&2
      tail -n 20 "$LOGS/slurmctld.log" "$LOGS/slurmd.log" >&2 || true
      exit 1
      ;;
  esac
  echo "slurm.sh: cluster up: $(sinfo -h -o '%N %T %c CPUs')"
}

stop() {
  if [ ! -e "$STARTED" ]; then
    echo "slurm.sh: nothing to stop (this script did not start the daemons)"
    return 0
  fi
  scontrol shutdown >/dev/null 2>&1 || true
  for pidfile in "$SLURMD_PID" "$CTLD_PID"; do
    if ! wait_gone "$pidfile" 10 && running "$pidfile"; then
      kill -TERM "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null || true
    fi
    wait_gone "$pidfile" 5 || echo "slurm.sh: $(basename "$pidfile" .pid) did not stop" >&2
  done
  if running "$MUNGE_PID"; then kill -TERM "$(cat "$MUNGE_PID" 2>/dev/null)" 2>/dev/null || true; fi
  wait_gone "$MUNGE_PID" 5 || echo "slurm.sh: munged did not stop" >&2
  rm -f "$STARTED"
  echo "slurm.sh: stopped"
}

status() {
  local state
  state=$(node_state)
  case "$state" in
    idle* | mix* | alloc*) echo "slurm.sh: up ($state)" ;;
    *)
      echo "slurm.sh: down (${state:-no answer})"
      return 1
      ;;
  esac
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
