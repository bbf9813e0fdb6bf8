# The material, 代码优化及链接循环, 服务端: as printed, indentation restored. (The text says the
# server should go back to accept; the code it prints has one accept and no loop around it.)
import socket
from socket import SOL_SOCKET, SO_REUSEADDR
server = socket.socket()
server.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
server.bind(('127.0.0.1', 8080))
server.listen(5)
sock, addr = server.accept()
while True:
    try:
        data = sock.recv(1024)
        if len(data) == 0:
            break
        print('收到客户端消息>>' + data.decode('utf8'))
        msg = input('请回复消息>>>:').strip()
        if len(msg) == 0:
            msg = '太忙了 暂无消息'
        sock.send(msg.encode('utf8'))
    except Exception:
        break
