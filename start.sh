#!/usr/bin/env bash
# README command 1: install and start KeDang with the embedded SQLite database and demo data.
#   bash start.sh            -> http://127.0.0.1:8501
# Set DATABASE_URL to use PostgreSQL; set KEDANG_DEMO=0 to start without demo data.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
if [ ! -f .venv/.installed ] || [ requirements.txt -nt .venv/.installed ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements.txt
  touch .venv/.installed
fi
export KEDANG_DEMO=${KEDANG_DEMO:-1}
.venv/bin/python manage.py migrate
if [ "$KEDANG_DEMO" = "1" ]; then
  .venv/bin/python manage.py seed-demo --customers "${KEDANG_DEMO_CUSTOMERS:-300}"
fi
echo "客档 KeDang 正在启动：http://127.0.0.1:${PORT:-8501}"
exec .venv/bin/python -m streamlit run app.py --server.address 127.0.0.1 --server.port "${PORT:-8501}"
