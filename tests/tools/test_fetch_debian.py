"""tools/fetch-debian.sh against the real Debian archive: it takes a tool by package and upstream
series, never by an exact revision, and says what to do when it cannot."""
import hashlib
import os
import pathlib
import subprocess

REPO = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = REPO / "tools" / "fetch-debian.sh"


def run(*args, assets, lock=None):
    env = dict(os.environ, SWITCHBOARD_ASSETS_DIR=str(assets))
    if lock is not None:
        env["SWITCHBOARD_DEBIAN_LOCK"] = str(lock)
    return subprocess.run(
        [str(SCRIPT), *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )


def offered(package):
    out = subprocess.run(["apt-cache", "madison", package], capture_output=True, text=True).stdout
    return [line.split("|")[1].strip() for line in out.splitlines() if "|" in line]


def record(path):
    return dict(kv.split("=", 1) for kv in path.read_text().split())


def test_a_revision_gone_from_the_archive_falls_back_to_the_current_one_with_a_warning(tmp_path):
    gone = "2.42.0+ds-0+gone1"
    r = run("prometheus", "--revision", gone, assets=tmp_path)
    assert r.returncode == 0, r.stderr
    assert f"warning: prometheus={gone} is no longer in the archive" in r.stderr

    fetched = record(tmp_path / "prometheus" / ".fetched")
    assert fetched["series"] == "2.42"
    assert fetched["revision"].startswith("2.42.")
    # The archive's current revision of the series, which the lists (refreshed if need be) offer.
    assert fetched["revision"] in offered("prometheus")
    assert f"asset debian:prometheus series=2.42 revision={fetched['revision']} " in r.stderr

    binary = tmp_path / "prometheus" / "prometheus"
    assert hashlib.sha256(binary.read_bytes()).hexdigest() == fetched["bin_sha256"]
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
    assert "version 2.42." in version.stdout + version.stderr

    # A second call finds it in place and only reports it.
    again = run("prometheus", assets=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "fetch-debian:" not in again.stderr
    assert f"revision={fetched['revision']} " in again.stderr


def test_a_series_debian_no_longer_offers_fails_and_says_what_to_do(tmp_path):
    lock = tmp_path / "debian.lock"
    lock.write_text("prometheus 1.8 usr/bin/prometheus --version\n")
    r = run("prometheus", assets=tmp_path / "assets", lock=lock)
    assert r.returncode == 1
    assert "the tests need the 1.8 series" in r.stderr
    assert "update the lock" in r.stderr
    assert not (tmp_path / "assets" / "prometheus" / "prometheus").exists()


def test_a_package_debian_does_not_have_says_to_refresh_the_lists(tmp_path):
    lock = tmp_path / "debian.lock"
    lock.write_text("switchboard-no-such-package 1.0 usr/bin/nothing --version\n")
    r = run("switchboard-no-such-package", assets=tmp_path / "assets", lock=lock)
    assert r.returncode == 1
    assert "offer no switchboard-no-such-package" in r.stderr
    assert "apt-get update" in r.stderr


def test_a_package_missing_from_the_lock_is_refused(tmp_path):
    r = run("ffmpeg-not-listed", assets=tmp_path)
    assert r.returncode == 2
    assert "not listed in" in r.stderr
