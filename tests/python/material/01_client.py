# The material, 服务端与客户端首次交互, 客户端: as printed.
import socket
client = socket.socket()
client.connect(('127.0.0.1', 8080))
client.send(b'qiubabi munieniu')
data = client.recv(1024)
print('收到来自服务端的消息:' + data.decode('utf8'))
client.close()
