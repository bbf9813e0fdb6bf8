# The material, 代码优化及链接循环, 客户端: as printed, indentation restored.
import socket
client = socket.socket()
client.connect(('127.0.0.1', 8080))
while True:
    msg = input('请输入你想要发送的信息>>>:').strip()
    if len(msg) == 0:
        continue
    client.send(msg.encode('utf8'))
    data = client.recv(1024)
    print('收到服务端消息>>>:'+ data.decode('utf8'))
client.close()
