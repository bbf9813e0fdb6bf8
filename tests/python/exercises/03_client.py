# Lesson 03's exercise, the client: lesson 02's loop, skipping empty lines.
import os
import socket

client = socket.socket()
client.connect(('127.0.0.1', int(os.environ.get('PORT', '8080'))))
while True:
    try:
        msg = input('请输入你想要发送的信息>>>:').strip()
    except EOFError:
        break
    if len(msg) == 0:
        continue
    client.send(msg.encode('utf8'))
    data = client.recv(1024)
    if len(data) == 0:
        break
    print('收到服务端消息>>>:' + data.decode('utf8', 'replace'))
client.close()
