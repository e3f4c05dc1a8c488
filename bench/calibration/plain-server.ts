// A plain node:http server that answers every request with a small JSON body and does
// nothing else: what this machine's loopback and one Node process allow at most, to read
// the services' figures against. Prints its port on stdout.
import http from 'node:http';

const body = JSON.stringify({ ok: true, event_time: new Date(0).toISOString() });
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(202, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(typeof address === 'object' && address ? address.port : 0);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
