"""A throttling TCP proxy on 127.0.0.1, so a benchmark's browser downloads as over a slow network.

    with ThrottledProxy("127.0.0.1", 8000, mbit=20, latency_ms=20) as proxy:
        ...  # point the browser at proxy.url; proxy.received counts the bytes sent to it

Every connection shares one bandwidth (a token bucket over all of them, as one Wi-Fi link
would), and each chunk the client sends (a request) waits ``latency_ms`` before it reaches the
server. Unlike DevTools' network emulation, which applies to a page but not to the Web Workers
it starts, this slows and counts everything the browser fetches: the page, its scripts, the
Pyodide worker's downloads and the service worker's. What comes from a browser cache never
reaches it. ``received`` is the bytes sent to the browser (compressed bodies and headers).
"""
import socket
import threading
import time

CHUNK = 16 * 1024


class _Bucket:
    """One link's bandwidth: ``wait(n)`` returns when ``n`` more bytes may be sent."""

    def __init__(self, bytes_per_second):
        self.rate = bytes_per_second
        self.free_at = 0.0
        self.lock = threading.Lock()

    def wait(self, n):
        with self.lock:
            now = time.monotonic()
            start = max(now, self.free_at)
            self.free_at = start + n / self.rate
            delay = self.free_at - now
        if delay > 0:
            time.sleep(delay)


class ThrottledProxy:
    def __init__(self, host, port, mbit, latency_ms=20):
        self.target = (host, port)
        self.bucket = _Bucket(mbit * 125_000)
        self.latency = latency_ms / 1000
        self.received = 0
        self._count = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._open = set()
        self._stopped = False

    def __enter__(self):
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._stopped = True
        self._listener.close()
        for sock in list(self._open):
            try:
                sock.close()
            except OSError:
                pass

    def _accept(self):
        while not self._stopped:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            self._open.update((client, server))
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, source, sink, downstream):
        try:
            while True:
                data = source.recv(CHUNK)
                if not data:
                    break
                if downstream:
                    self.bucket.wait(len(data))
                    with self._count:
                        self.received += len(data)
                else:
                    time.sleep(self.latency)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
                self._open.discard(sock)
