/**
 * Stands in for jupyterhub-singleuser in integration tests (the e2e tests use the real one): a stdlib
 * HTTP server on --port that answers `{JUPYTERHUB_SERVICE_PREFIX}api` with 200 and the hub token it got.
 */
export const STAND_IN = `
import http.server, json, os, sys
port = int([a for a in sys.argv if a.startswith('--port=')][0].split('=', 1)[1])
prefix = os.environ.get('JUPYTERHUB_SERVICE_PREFIX', '/')
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.path == prefix + 'api'
        body = json.dumps({'version': 'stand-in', 'token': os.environ.get('JUPYTERHUB_API_TOKEN')}).encode() if ok else b'no'
        self.send_response(200 if ok else 404)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(('0.0.0.0', port), Handler).serve_forever()
`;
export const BROKEN = `import sys\nsys.stderr.write('stand-in: configuration file is corrupt\\n')\nsys.exit(3)\n`;
