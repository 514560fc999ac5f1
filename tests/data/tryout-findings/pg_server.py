"""Starts a throwaway PostgreSQL (tests/postgres.py), creates dbs, writes URLs and the data dir to /tmp/tw-pg.env, waits until SIGTERM."""
import pathlib
import signal
import sys
import time

sys.path.insert(0, ".")
from tests.postgres import PostgresServer, bin_dir

s = PostgresServer(bin_dir()).start()
urls = {n: s.create_database(n) for n in ("office", "migr", "migr2")}
pathlib.Path("/tmp/tw-pg.env").write_text("".join(f"{k.upper()}='{v}'\n" for k, v in urls.items()) + f"PGDIR='{s.dir}'\n")
def stop(*_):
    s.stop(); sys.exit(0)
signal.signal(signal.SIGTERM, stop)
while True:
    time.sleep(1)
