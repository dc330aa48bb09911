"""TEST DOUBLE: an OpenAI-compatible chat-completions server on loopback.

It stands in for a remote vLLM/SGLang server, which cannot run here. It streams a deterministic
answer built from the request as server-sent events and records every request body, so tests can
check what Switchboard sent (images as data URLs, chat history).
"""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL = "fake-qwen3-vl"


def answer_for(body):
    """'I see N image(s). You said: <last user text>' — deterministic from the request."""
    messages = body.get("messages", [])
    last = next((m for m in reversed(messages) if m.get("role") == "user"), {})
    content = last.get("content", "")
    images = 0
    if isinstance(content, list):
        images = sum(1 for p in content if p.get("type") == "image_url")
        text = "".join(p.get("text", "") for p in content if p.get("type") == "text")
    else:
        text = content
    return f"I see {images} image(s). You said: {text.strip()}"


class FakeOpenAI:
    def __init__(self, chunk_delay=0.02):
        self.chunk_delay = chunk_delay
        self.requests = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _json(self, status, obj):
                data = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path.rstrip("/").endswith("/v1/models"):
                    self._json(200, {"object": "list", "data": [{"id": MODEL, "object": "model"}]})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self.path.rstrip("/").endswith("/v1/chat/completions"):
                    self._json(404, {"error": {"message": "not found"}})
                    return
                with fake._lock:
                    fake.requests.append(body)
                answer = answer_for(body)
                words = answer.split(" ")
                pieces = [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]
                if not body.get("stream"):
                    self._json(200, {
                        "id": "c1", "object": "chat.completion", "model": MODEL,
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer},
                                     "finish_reason": "stop"}],
                        "usage": {"prompt_tokens": 10, "completion_tokens": len(pieces)},
                    })
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()

                def send(obj):
                    line = obj if isinstance(obj, str) else json.dumps(obj)
                    self.wfile.write(f"data: {line}\n\n".encode())
                    self.wfile.flush()

                try:
                    for p in pieces:
                        time.sleep(fake.chunk_delay)
                        send({"id": "c1", "object": "chat.completion.chunk", "model": MODEL,
                              "choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}]})
                    send({"id": "c1", "object": "chat.completion.chunk", "model": MODEL,
                          "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
                    send({"id": "c1", "object": "chat.completion.chunk", "model": MODEL, "choices": [],
                          "usage": {"prompt_tokens": 10, "completion_tokens": len(pieces)}})
                    send("[DONE]")
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def recorded(self):
        with self._lock:
            return list(self.requests)
