"""Switchboard as an outside client sees it: Python grpcio stubs generated from the .proto only,
the real server binary, and an OpenAI-compatible test double as the model backend."""
import base64
import hashlib
import importlib
import json
import os
import pathlib
import re
import signal
import socket
import struct
import subprocess
import sys
import time
import zlib

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from fake_openai import FakeOpenAI

REPO = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("E2E_SERVER_BIN", str(REPO / "target" / "debug" / "switchboard"))


@pytest.fixture(scope="session")
def pb(tmp_path_factory):
    out = tmp_path_factory.mktemp("stubs")
    from grpc_tools import protoc

    rc = protoc.main(["protoc", f"-I{REPO / 'proto'}", f"--python_out={out}", f"--grpc_python_out={out}",
                      str(REPO / "proto" / "switchboard" / "v1" / "switchboard.proto")])
    assert rc == 0
    sys.path.insert(0, str(out))
    pb2 = importlib.import_module("switchboard.v1.switchboard_pb2")
    grpc_mod = importlib.import_module("switchboard.v1.switchboard_pb2_grpc")
    return pb2, grpc_mod


@pytest.fixture(scope="session")
def fake():
    f = FakeOpenAI().start()
    yield f
    f.stop()


def free_ports(n):
    """n distinct free ports: held open together, or the kernel may hand out one port twice."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


class Server:
    """The real `switchboard serve` in a subprocess."""

    def __init__(self, data_dir, backend_url, extra_env=None):
        self.port, metrics_port = free_ports(2)
        self.addr = f"127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.update({
            "SWITCHBOARD_SERVER__LISTEN": self.addr,
            "SWITCHBOARD_MEMORY__DATA_DIR": str(data_dir),
            "SWITCHBOARD_BACKEND": "openai",
            "SWITCHBOARD_OPENAI__URL": backend_url,
            "SWITCHBOARD_EXPERTS__DIR": str(REPO / "experts"),
            "SWITCHBOARD_EXPERTS__PROMPTS_DIR": str(REPO / "prompts"),
            "SWITCHBOARD_SERVER__SHUTDOWN_GRACE_SECS": "5",
            "SWITCHBOARD_METRICS__LISTEN": f"127.0.0.1:{metrics_port}",
            # The server runs in a temp dir: point it at the repo's fetched assets.
            "SWITCHBOARD_ONNXRUNTIME__LIBRARY": str(REPO / ".assets" / "onnxruntime" / "libonnxruntime.so.1.31.1"),
            "SWITCHBOARD_ROUTING__SEMANTIC__ENCODER": str(REPO / ".assets" / "encoder" / "use_multilingual_int8.onnx"),
            "SWITCHBOARD_OCR__MODELS_DIR": str(REPO / ".assets" / "ocr"),
        })
        env.update(extra_env or {})
        self.proc = subprocess.Popen([BIN, "serve"], env=env, cwd=data_dir,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 30
        # Wait for the port first: a channel that fails its first connect backs off for a second.
        while time.time() < deadline and self.proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.02)
        self.channel = grpc.insecure_channel(self.addr)
        health = health_pb2_grpc.HealthStub(self.channel)
        while True:
            try:
                r = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=1)
                if r.status == health_pb2.HealthCheckResponse.SERVING:
                    break
            except grpc.RpcError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.proc.stderr.read().decode()}")
            if time.time() > deadline:
                raise RuntimeError("server did not become healthy")
            time.sleep(0.05)

    def stop(self):
        """SIGTERM, and the exit code."""
        self.channel.close()
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=15)


@pytest.fixture
def server(tmp_path, fake):
    s = Server(tmp_path, fake.url)
    yield s
    if s.proc.poll() is None:
        s.stop()


def png(width, height):
    """A real PNG, written with zlib only."""
    raw = b"".join(b"\x00" + bytes(v for x in range(width) for v in (x * 5 % 256, y * 7 % 256, (x + y) % 256))
                   for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_health_serving(server):
    stub = health_pb2_grpc.HealthStub(server.channel)
    for service in ["", "switchboard.v1.Switchboard"]:
        r = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
        assert r.status == health_pb2.HealthCheckResponse.SERVING


def test_reflection_lists_services(server):
    stub = reflection_pb2_grpc.ServerReflectionStub(server.channel)
    responses = stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=5)
    names = {s.name for r in responses for s in r.list_services_response.service}
    assert {"switchboard.v1.Switchboard", "grpc.health.v1.Health"} <= names


def test_classify(server, pb):
    pb2, rpc = pb
    stub = rpc.SwitchboardStub(server.channel)
    image = pb2.Media(data=png(16, 16), mime_type="image/png")
    r = stub.Classify(pb2.AskRequest(text="帮我识别这张图片里的文字", media=[image]), timeout=5)
    assert r.expert == "ocr"
    r = stub.Classify(pb2.AskRequest(text="Solve 3x + 5 = 20 step by step"), timeout=5)
    assert r.expert == "math"
    assert r.stage
    # Every expert is ranked, once.
    experts = stub.ListExperts(pb2.ListExpertsRequest(), timeout=5).experts
    assert sorted(route.expert for route in r.routes) == sorted(e.id for e in experts)
    assert all(route.expert and route.stage for route in r.routes)
    scores = [route.score for route in r.routes]
    assert scores == sorted(scores, reverse=True)
    assert r.routes[0].expert == "math"


def test_ask_with_png(server, pb, fake):
    pb2, rpc = pb
    stub = rpc.SwitchboardStub(server.channel)
    image = png(64, 48)
    before = len(fake.recorded())
    r = stub.Ask(pb2.AskRequest(text="What is in this picture?",
                                media=[pb2.Media(data=image, mime_type="image/png")]), timeout=30)
    assert r.session_id
    assert r.expert == "general"
    assert r.text == "I see 1 image(s). You said: What is in this picture?"
    assert r.result.general.answer == r.text
    body = fake.recorded()[before]
    parts = body["messages"][-1]["content"]
    url = next(p["image_url"]["url"] for p in parts if p["type"] == "image_url")
    assert url.startswith("data:image/png;base64,")
    assert base64.b64decode(url.split(",", 1)[1]) == image


def test_ask_stream_sends_deltas_before_final(server, pb):
    pb2, rpc = pb
    stub = rpc.SwitchboardStub(server.channel)
    kinds, deltas, final = [], [], None
    for event in stub.AskStream(pb2.AskRequest(text="Tell me a story about a lighthouse"), timeout=30):
        kind = event.WhichOneof("event")
        kinds.append(kind)
        if kind == "text_delta":
            deltas.append(event.text_delta.text)
        elif kind == "final":
            final = event.final
    assert kinds[0] == "routed"
    assert kinds[-1] == "final"
    assert kinds.count("text_delta") >= 2
    assert kinds.index("text_delta") < kinds.index("final")
    assert "".join(deltas) == final.text


def test_sessions_survive_a_restart(tmp_path, pb, fake):
    pb2, rpc = pb
    first_server = Server(tmp_path, fake.url)
    stub = rpc.SwitchboardStub(first_server.channel)
    image = png(40, 30)
    one = stub.Ask(pb2.AskRequest(text="What is in this picture?", media=[pb2.Media(data=image)]), timeout=30)
    two = stub.Ask(pb2.AskRequest(session_id=one.session_id, text="And what colour is it?"), timeout=30)
    assert two.session_id == one.session_id
    # The second request carried the first turn as chat history.
    history = fake.recorded()[-1]["messages"]
    assert [m["role"] for m in history][-3:] == ["user", "assistant", "user"]
    assert history[-2]["content"] == one.text
    assert first_server.stop() == 0

    second_server = Server(tmp_path, fake.url)
    try:
        stub = rpc.SwitchboardStub(second_server.channel)
        s = stub.GetSession(pb2.GetSessionRequest(session_id=one.session_id), timeout=5)
        assert [t.text for t in s.turns] == ["What is in this picture?", "And what colour is it?"]
        assert [t.answer for t in s.turns] == [one.text, two.text]
        assert [t.index for t in s.turns] == [0, 1]
        media = s.turns[0].media[0]
        assert (media.kind, media.width, media.height) == ("image", 40, 30)
        assert media.sha256 == hashlib.sha256(image).hexdigest()
        assert not s.turns[1].media

        assert stub.DeleteSession(pb2.DeleteSessionRequest(session_id=one.session_id), timeout=5).deleted
        with pytest.raises(grpc.RpcError) as err:
            stub.GetSession(pb2.GetSessionRequest(session_id=one.session_id), timeout=5)
        assert err.value.code() == grpc.StatusCode.NOT_FOUND
    finally:
        assert second_server.stop() == 0


def test_list_experts(server, pb):
    pb2, rpc = pb
    stub = rpc.SwitchboardStub(server.channel)
    r = stub.ListExperts(pb2.ListExpertsRequest(), timeout=5)
    assert sorted(e.id for e in r.experts) == ["diagram", "form_fill", "frontend", "general", "gui", "math", "ocr", "search", "video"]
    assert all(e.available for e in r.experts)


def test_bad_input_names_the_field(server, pb):
    pb2, rpc = pb
    stub = rpc.SwitchboardStub(server.channel)
    with pytest.raises(grpc.RpcError) as err:
        stub.Ask(pb2.AskRequest(text="hi", media=[pb2.Media(data=b"not an image")]), timeout=5)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "media[0].data" in err.value.details()


def test_form_fill_returns_pixel_actions(server, pb, fake):
    pb2, rpc = pb
    stub = rpc.SwitchboardStub(server.channel)
    form = (REPO / "tests" / "fixtures" / "forms" / "form_12.png").read_bytes()
    truth = json.loads((REPO / "tests" / "fixtures" / "forms" / "form_12.json").read_text())
    before = len(fake.recorded())
    r = stub.Ask(pb2.AskRequest(text="用我的信息填写这张表格",
                                media=[pb2.Media(data=form, mime_type="image/png")],
                                profile=truth["profile"]), timeout=60)
    assert r.expert == "form_fill"
    f = r.result.form_fill
    assert (f.image_width, f.image_height) == (truth["width"], truth["height"])
    wanted = {fl["value"] for fl in truth["fields"] if fl["value"]}
    got = {a.value for a in f.actions}
    assert wanted <= got, wanted - got
    for a in f.actions:
        assert 0 <= a.input_box.x1 < a.input_box.x2 <= f.image_width
        assert 0 <= a.input_box.y1 < a.input_box.y2 <= f.image_height
    assert "pyautogui" in f.script
    # This server has a model (the test double): it is asked at most once, about the fields the
    # rules left open, and an answer that is no JSON mapping leaves the rule-based plan standing.
    assert len(fake.recorded()) <= before + 1


def pdf(pages):
    """A born-digital PDF, written by hand: each page US Letter, each (x, y, text) in Helvetica
    12 pt with y from the top."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None,
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    kids = []
    for lines in pages:
        ops = "".join(f"BT /F1 12 Tf {x} {792 - y} Td ({text}) Tj ET\n" for x, y, text in lines)
        objects.append(f"<< /Length {len(ops)} >>\nstream\n{ops}endstream")
        kids.append(len(objects) + 1)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    out, offsets = b"%PDF-1.7\n", []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_pdf_pages_are_read_exactly_with_page_indices(server, pb):
    pb2, rpc = pb
    stub = rpc.SwitchboardStub(server.channel)
    pages = [[(72, 96, "Quarterly report, page 1"), (72, 160, "Revenue grew by 11.5 percent")],
             [(72, 96, "Quarterly report, page 2"), (72, 160, "Contact: desk2@example.com")]]
    r = stub.Ask(pb2.AskRequest(text="Read this document.", expert="ocr",
                                media=[pb2.Media(data=pdf(pages), mime_type="application/pdf")]), timeout=60)
    first = r.result.ocr
    read = [first] + list(first.others)
    assert [p.page_index for p in read] == [0, 1]
    assert all(p.HasField("page_index") and p.from_text_layer and p.media_index == 0 for p in read)
    for p, lines in zip(read, pages):
        assert [line.text for b in p.blocks for line in b.lines] == [t for _, _, t in lines]
        # US Letter at the default 150 dpi (hayro truncates 1650 to 1649).
        assert (p.image_width, p.image_height) == (1275, 1649)
        box = p.blocks[0].lines[0].box
        assert abs(box.x1 - 72 * 150 / 72) <= 6, box


def test_a_form_held_still_in_a_video_is_filled_once(server, pb, tmp_path):
    pb2, rpc = pb
    stub = rpc.SwitchboardStub(server.channel)
    form = REPO / "tests" / "fixtures" / "forms" / "form_12.png"
    truth = json.loads((REPO / "tests" / "fixtures" / "forms" / "form_12.json").read_text())
    clip = tmp_path / "form.mp4"
    # Three seconds of the form at 2 frames a second, near-lossless (H.264 4:4:4 at qp 0).
    subprocess.run(["ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-y", "-loop", "1", "-framerate", "2",
                    "-t", "3", "-i", str(form), "-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv444p", str(clip)],
                   check=True)
    r = stub.Ask(pb2.AskRequest(text="Fill this form with my details", expert="form_fill",
                                media=[pb2.Media(data=clip.read_bytes())], profile=truth["profile"]), timeout=120)
    f = r.result.form_fill
    assert (f.image_width, f.image_height) == (truth["width"], truth["height"])
    # Six sampled frames of one picture: filled once, from the frame in the middle.
    assert len(f.others) == 0
    assert f.HasField("frame_seconds") and f.frame_seconds == 1.0
    assert not f.HasField("page_index")
    wanted = {fl["value"] for fl in truth["fields"] if fl["value"]}
    assert wanted <= {a.value for a in f.actions}, wanted - {a.value for a in f.actions}


def test_json_logs_carry_the_callers_trace_id(tmp_path, pb, fake):
    pb2, rpc = pb
    s = Server(tmp_path, fake.url, {"SWITCHBOARD_TELEMETRY__LOG_FORMAT": "json"})
    trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    try:
        stub = rpc.SwitchboardStub(s.channel)
        stub.Ask(pb2.AskRequest(text="Hello there"), timeout=30,
                 metadata=[("traceparent", f"00-{trace}-00f067aa0ba902b7-01")])
    finally:
        assert s.stop() == 0
    lines = [json.loads(line) for line in s.proc.stderr.read().decode().splitlines() if line.startswith("{")]
    calls = [line for line in lines if line["fields"].get("message") == "call finished"]
    assert len(calls) == 1, lines
    call = calls[0]
    assert call["fields"]["grpc.code"] == 0
    assert call["span"]["name"] == "rpc"
    assert call["span"]["otel.name"] == "switchboard.v1.Switchboard/Ask"
    assert call["span"]["trace_id"] == trace
    # Request text stays out of the logs.
    assert not any("Hello there" in json.dumps(line) for line in lines)


def test_json_logs_carry_span_ids_when_tracing_is_on(tmp_path, pb, fake):
    # Export goes nowhere (a closed port); the ids still exist and go on each log line.
    pb2, rpc = pb
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    s = Server(tmp_path, fake.url, {"SWITCHBOARD_TELEMETRY__LOG_FORMAT": "json",
                                    "SWITCHBOARD_TELEMETRY__OTLP_ENDPOINT": f"http://127.0.0.1:{closed}"})
    trace, caller = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    try:
        stub = rpc.SwitchboardStub(s.channel)
        stub.Ask(pb2.AskRequest(text="Hello there"), timeout=30,
                 metadata=[("traceparent", f"00-{trace}-{caller}-01")])
    finally:
        assert s.stop() == 0
    lines = [json.loads(line) for line in s.proc.stderr.read().decode().splitlines() if line.startswith("{")]
    call = next(line for line in lines if line["fields"].get("message") == "call finished")
    assert call["trace_id"] == trace
    assert re.fullmatch(r"[0-9a-f]{16}", call["span_id"]) and call["span_id"] != caller
    assert call["span"]["span_id"] == call["span_id"]

