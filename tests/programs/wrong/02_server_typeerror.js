// Wrong on purpose: lesson 02's server in Node that throws a TypeError when the client closes
// (it reads the last message of an empty list): `02.server.silent-close` must fail. The reply
// loop itself is right: each message answered with the next typed line.
const net = require('net');
const readline = require('readline');

const typed = [];
const waiting = [];
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const next = waiting.shift();
  if (next) next(line); else typed.push(line);
});
const nextLine = (use) => (typed.length ? use(typed.shift()) : waiting.push(use));

const messages = [];
const server = net.createServer((sock) => {
  server.close();
  sock.on('data', (data) => {
    const msg = data.toString('utf8');
    messages.push(msg);
    console.log('收到客户端消息>>' + msg);
    nextLine((reply) => sock.write(Buffer.from(reply, 'utf8')));
  });
  sock.on('end', () => {
    const last = messages.pop();
    console.log('the last message was ' + last.length + ' characters');
    process.exit(0);
  });
});
const port = Number(process.env.PORT || 8080);
server.listen(port, '127.0.0.1', () => console.log('listening on 127.0.0.1:' + server.address().port));
