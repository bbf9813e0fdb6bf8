# Lesson 03's exercise, the server: an accept loop around lesson 02's loop. A client that closes
# (a read of 0) or resets (an error) is done; the server goes back to accept the next one.
# An empty typed reply becomes the material's 太忙了 暂无消息. SO_REUSEADDR: restart at once.
import os
import socket
from socket import SOL_SOCKET, SO_REUSEADDR

server = socket.socket()
server.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
server.bind(('127.0.0.1', int(os.environ.get('PORT', '8080'))))
server.listen(5)
print('listening on 127.0.0.1:%d' % server.getsockname()[1])
while True:
    sock, addr = server.accept()
    while True:
        try:
            data = sock.recv(1024)
            if len(data) == 0:
                break
            print('收到客户端消息>>' + data.decode('utf8', 'replace'))
            msg = input('请回复消息>>>:').strip()
            if len(msg) == 0:
                msg = '太忙了 暂无消息'
            sock.send(msg.encode('utf8'))
        except ConnectionError:
            break
    sock.close()
