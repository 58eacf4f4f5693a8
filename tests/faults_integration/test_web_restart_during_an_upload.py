"""The web process killed while a dataset upload is half sent, then started again: nothing of the
upload is kept (no dataset, no version, no stored file), and sending it again succeeds."""
from __future__ import annotations

import hashlib
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.integration.conftest import write_text_dataset
from tests.integration.stack import REPO

from . import drill

pytestmark = pytest.mark.integration

BOUNDARY = "glassbox-drill-boundary"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_web(stack, port: int) -> subprocess.Popen:
    log = open(stack.var_dir / "web.log", "a")
    web = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                           cwd=REPO, env=stack.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    stack.workers.append(web)  # stopped with the stack, whatever happens

    def answers() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            return web.poll() is not None  # a web process that died is reported by the next request
    drill.wait_until(answers, 60, "the web process to listen", interval=0.2)
    return web


def _multipart(fields: dict[str, str], name: str, content: bytes) -> bytes:
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
             for key, value in fields.items()]
    parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def _contributor_token(stack) -> str:
    out = stack.manage("shell", "-c", (
        "from django.contrib.auth.models import User; from rest_framework.authtoken.models import Token; "
        "from glassbox.accounts import services; user = User.objects.create_user('uploader', password='pw'); "
        "services.grant_role(user, 'contributor'); print(Token.objects.create(user=user).key)")).stdout
    return out.strip().splitlines()[-1]


def _stored(stack) -> tuple[int, int, list[Path]]:
    out = stack.manage("shell", "-c", (
        "import json; from glassbox.registry.models import Dataset, DatasetVersion; "
        "print(json.dumps([Dataset.objects.count(), DatasetVersion.objects.count()]))")).stdout
    counts = json.loads(out.strip().splitlines()[-1])
    files = [p for folder in (stack.var_dir / "media", stack.var_dir / "tmp") if folder.exists()
             for p in folder.rglob("*") if p.is_file()]
    return counts[0], counts[1], files


def test_an_upload_cut_off_by_a_web_restart_leaves_nothing_and_succeeds_when_sent_again(
        embedded_stack, tmp_path):
    stack = embedded_stack
    stack.env["TMPDIR"] = str(stack.var_dir / "tmp")  # the web process's temporary files, to check them too
    (stack.var_dir / "tmp").mkdir()
    token = _contributor_token(stack)
    content = write_text_dataset(tmp_path / "heldout.jsonl", documents=400).read_bytes()
    body = _multipart({"name": "Held-out code", "slug": "heldout", "kind": "text"}, "heldout.jsonl", content)
    port = _free_port()
    web = _start_web(stack, port)

    with socket.create_connection(("127.0.0.1", port), timeout=10) as upload:
        upload.sendall((f"POST /api/datasets/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                        f"Authorization: Token {token}\r\nContent-Length: {len(body)}\r\n"
                        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n\r\n").encode())
        upload.sendall(body[:len(body) // 2])
        time.sleep(1.0)  # the server is reading the body now
        web.send_signal(signal.SIGKILL)
        web.wait(timeout=10)

    assert _stored(stack) == (0, 0, []), "a half-sent upload left something behind"

    _start_web(stack, port)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/datasets/", data=body, method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 201
        created = json.loads(response.read())
    version = created["versions"][0]
    assert (created["slug"], version["row_count"]) == ("heldout", 400)
    assert version["sha256"] == hashlib.sha256(content).hexdigest()
    datasets, versions, files = _stored(stack)
    assert (datasets, versions) == (1, 1)
    assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in files] == [version["sha256"]], \
        "exactly the uploaded file is stored, and no temporary file is left"
