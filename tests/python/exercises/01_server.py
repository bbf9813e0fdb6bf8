# Lesson 01's exercise, the server: accept one client, read one message, print it, answer once,
# close. The port is $PORT (8080 if unset); the first line says where it listens.
import os
import socket

server = socket.socket()
server.bind(('127.0.0.1', int(os.environ.get('PORT', '8080'))))
server.listen(5)
print('listening on 127.0.0.1:%d' % server.getsockname()[1])
sock, addr = server.accept()
print(addr)
data = sock.recv(1024)
if len(data) == 0:
    print('the client closed without a word')
else:
    print('收到来自客户端的消息:' + data.decode('utf8', 'replace'))
    sock.send('萨瓦迪卡客户端'.encode('utf8'))
sock.close()
server.close()
