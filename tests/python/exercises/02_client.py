# Lesson 02's exercise, the client: send each line typed here and print the reply. An empty line
# sends nothing (the trap lesson 03 fixes): the client then waits for a reply that never comes.
import os
import socket

client = socket.socket()
client.connect(('127.0.0.1', int(os.environ.get('PORT', '8080'))))
while True:
    try:
        msg = input('请输入你需要发送的消息>>>:').strip()
    except EOFError:
        break
    client.send(msg.encode('utf8'))
    data = client.recv(1024)
    if len(data) == 0:
        break
    print(data.decode('utf8', 'replace'))
client.close()
