# Lesson 02's exercise, the server: one client; print each message and answer with a line typed
# here. A read of 0 bytes means the client has closed: then the server ends.
import os
import socket

server = socket.socket()
server.bind(('127.0.0.1', int(os.environ.get('PORT', '8080'))))
server.listen(5)
print('listening on 127.0.0.1:%d' % server.getsockname()[1])
sock, addr = server.accept()
while True:
    data = sock.recv(1024)
    if len(data) == 0:
        break
    print(data.decode('utf8', 'replace'))
    msg = input('请回复消息>>>:').strip()
    sock.send(msg.encode('utf8'))
sock.close()
server.close()
