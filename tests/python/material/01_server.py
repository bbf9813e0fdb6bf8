# The material, 服务端与客户端首次交互, 服务端: as printed, indentation restored.
import socket
server = socket.socket()
server.bind(('127.0.0.1', 8080))
server.listen(5)
sock, addr = server.accept()
print(addr)
data = sock.recv(1024)
print('收到来自客户端的消息:' + data.decode('utf8'))
sock.send('萨瓦迪卡客户端'.encode('utf8'))
sock.close()
server.close()
