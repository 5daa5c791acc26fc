"""Time reruns of the Map page on 20,000 GL accounts against a bare page holding only the grid.

    .venv/bin/python bench/mapping_bench.py [--accounts 20000] [--runs 3] [--reruns 5]

The workspace is synced for real: the sandbox serves the chart over loopback and the app's own sync
writes it into SQLite, then the sandbox stops. Both pages run in Streamlit's AppTest in this process,
side by side: the Map page (through app.py, as a user opens it) and a page whose only element is
``st.data_editor`` on the very frame the Map page shows. Each run interleaves ``--reruns`` plain reruns
of each and takes the ratio of their medians, so the neighbours on a shared machine slow both alike.
The last line is:

    mapping rerun_ratio=<f>

the median over the runs (target at most 1.5).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cryptography.fernet import Fernet  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from intacct.sandbox import start  # noqa: E402
from onboarding import progress  # noqa: E402
from onboarding.identity import LOCAL_IMPLEMENTATION_MANAGER  # noqa: E402
from onboarding.platform import Platform  # noqa: E402
from onboarding.steps import STEP_KEYS, StepKey, step  # noqa: E402
from onboarding.store import Store  # noqa: E402
from onboarding.sync_jobs import SyncJobs, start_sync  # noqa: E402
from onboarding.vault import Secret, Vault  # noqa: E402

SENDER = ("RoutableMPP", "sandbox-sender-secret")
PASSWORD = "Demo-Passw0rd!"
TARGET = 1.5
TIMEOUT_S = 600

# The bare page: the grid alone, on the frame the Map page showed (read once per process, as the Map
# page's own data is cached per process).
BARE_PAGE = """
import pandas as pd
import streamlit as st

@st.cache_resource
def frame(path):
    return pd.read_pickle(path)

st.data_editor(frame(FRAME_PATH), key="grid", hide_index=True, num_rows="fixed")
"""


def synced_workspace(folder: Path, accounts: int) -> int:
    """A workspace whose GL accounts were synced from the sandbox by the app's own sync."""
    key = Fernet.generate_key()
    os.environ.update(
        {
            "ROUTABLE_DB_PATH": str(folder / "onboarding.db"),
            "ROUTABLE_DATA_DIR": str(folder / "data"),
            "ROUTABLE_VAULT_KEY": key.decode(),
            "INTACCT_SENDER_ID": SENDER[0],
            "INTACCT_SENDER_PASSWORD": SENDER[1],
        }
    )
    actor = LOCAL_IMPLEMENTATION_MANAGER
    store, vault = Store(folder / "onboarding.db"), Vault([key])
    ws_id = store.create_workspace("Bench Corp", actor=actor).id
    store.set_plan(ws_id, "top", actor=actor)
    before_map = STEP_KEYS[: STEP_KEYS.index(StepKey.MAP)]
    store.apply(ws_id, lambda now: progress.steps_marked_done(now, before_map, actor=actor))
    store.save_connection(ws_id, "ACME-DEMO", "", "routable_ws", PASSWORD, vault, actor=actor)
    box = start(accounts=accounts, vendors=50)
    try:
        os.environ["INTACCT_ENDPOINT"] = box.url
        platform = Platform(SENDER[0], Secret(SENDER[1]), box.url, True)
        job = start_sync(store, vault, platform, ws_id, folder / "data", actor=actor, registry=SyncJobs())
        while job.snapshot().running:
            time.sleep(0.1)
        if job.snapshot().status != "completed":
            raise SystemExit(f"the sync did not complete: {job.snapshot().status}")
    finally:
        box.stop()
    return ws_id


def map_page(ws_id: int) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    at.session_state["workspace_id"] = ws_id
    at.run()
    at.switch_page(step(StepKey.MAP).page_file).run()
    if at.exception or len(at.data_editor) != 1:
        raise SystemExit(f"the Map page did not show its grid: {[e.value for e in at.exception]}")
    return at


def bare_page(folder: Path, map_at: AppTest, ws_id: int) -> AppTest:
    path = folder / "frame.pkl"
    map_at.data_editor[0].value.to_pickle(path)
    script = folder / "bare_page.py"
    script.write_text(BARE_PAGE.replace("FRAME_PATH", repr(str(path))))
    at = AppTest.from_file(str(script), default_timeout=TIMEOUT_S)
    at.run()
    return at


def timed(at: AppTest) -> float:
    began = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - began
    if at.exception:
        raise SystemExit(f"a rerun failed: {[e.value for e in at.exception]}")
    return elapsed


def one_run(map_at: AppTest, bare_at: AppTest, reruns: int) -> tuple[float, float]:
    mapped, bare = [], []
    for _ in range(reruns):
        mapped.append(timed(map_at))
        bare.append(timed(bare_at))
    return statistics.median(mapped), statistics.median(bare)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--accounts", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reruns", type=int, default=5, help="reruns of each page per run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mapping-bench-") as tmp:
        folder = Path(tmp)
        began = time.perf_counter()
        ws_id = synced_workspace(folder, args.accounts)
        print(f"synced {args.accounts:,} GL accounts in {time.perf_counter() - began:.1f} s", flush=True)
        map_at = map_page(ws_id)
        bare_at = bare_page(folder, map_at, ws_id)
        shown = len(map_at.data_editor[0].value)
        print(f"the Map page shows {shown:,} rows; both pages warmed up", flush=True)
        ratios = []
        for run in range(1, args.runs + 1):
            mapped, bare = one_run(map_at, bare_at, args.reruns)
            ratios.append(mapped / bare)
            print(
                f"run {run}: map {mapped:.3f} s, bare grid {bare:.3f} s, ratio {mapped / bare:.2f}",
                flush=True,
            )
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        print(
            f"ratio median {statistics.median(ratios):.2f} min {min(ratios):.2f} max {max(ratios):.2f} "
            f"over {args.runs} runs of {args.reruns} reruns each; target <= {TARGET}; load average {load}"
        )
        print(f"mapping rerun_ratio={statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
