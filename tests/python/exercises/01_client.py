# Lesson 01's exercise, the client: connect, send one message, print the one reply, close.
import os
import socket

client = socket.socket()
client.connect(('127.0.0.1', int(os.environ.get('PORT', '8080'))))
client.send('qiubabi munieniu 你好'.encode('utf8'))
data = client.recv(1024)
if len(data) == 0:
    print('the server closed without a reply')
else:
    print('收到来自服务端的消息:' + data.decode('utf8', 'replace'))
client.close()
