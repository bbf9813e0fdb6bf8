// Right: lesson 01's client in Node, as the Node docs write one: send, print the reply, then
// sock.end(), which sends our FIN and waits for the server's before 'close'. The checker must
// close its side as the page's server does, or this client never ends.
const net = require('net');
const port = Number(process.env.PORT || 8080);
const sock = net.connect(port, '127.0.0.1', () => {
  sock.write(Buffer.from('hello 你好 one', 'utf8'));
});
sock.on('data', (data) => {
  console.log('收到来自服务端的消息:' + data.toString('utf8'));
  sock.end();
});
sock.on('end', () => console.log('the server closed'));
sock.on('close', () => process.exit(0));
