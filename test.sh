#!/usr/bin/env bash
# README command 2: install what the tests need and run the whole suite,
# once on SQLite and once on PostgreSQL (127.0.0.1:5432, trust auth, database test).
#   bash test.sh                 # everything
#   bash test.sh tests/unit -q   # extra arguments go to pytest
# With CI=true a missing PostgreSQL or Chromium fails the run instead of skipping.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy" || need_apt+=(fonts-wqy-zenhei)
command -v pg_dump >/dev/null || need_apt+=(postgresql-client)  # manage.py backup/restore on PostgreSQL
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "安装浏览器测试所需的系统包：${need_apt[*]}"
  $SUDO apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
if [ ! -f .venv/.installed-test ] || [ requirements-test.txt -nt .venv/.installed-test ] \
   || [ requirements.txt -nt .venv/.installed-test ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements-test.txt
  touch .venv/.installed-test
fi

echo "===== ruff（pyproject.toml）====="
.venv/bin/ruff check . || exit 1

status=0
for backend in sqlite postgres; do
  echo "===== 测试数据库：$backend ====="
  KEDANG_TEST_DB=$backend .venv/bin/python -m pytest "${@:-tests}" || status=1
done
exit $status
