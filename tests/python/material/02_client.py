# The material, 通信循环: its client loop, indentation restored, after 01's setup lines.
import socket
client = socket.socket()
client.connect(('127.0.0.1', 8080))
while True:
    msg = input('请输入你需要发送的消息>>>:').strip()
    client.send(msg.encode('utf8'))
    data = client.recv(1024)
    print(data.decode('utf8'))
