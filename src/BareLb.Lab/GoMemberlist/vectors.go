package main

// Test vectors for BareLb.Membership's codec tests, computed with the same libraries memberlist
// uses (go-msgpack's MsgpackHandle with its defaults, compress/lzw LSB 8, crypto/aes GCM).
// The structs repeat memberlist's message structs (net.go), field names and tags included.

import (
	"bytes"
	"compress/lzw"
	"crypto/aes"
	"crypto/cipher"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/hashicorp/go-msgpack/codec"
)

type ping struct {
	SeqNo      uint32
	Node       string
	SourceAddr []byte `codec:",omitempty"`
	SourcePort uint16 `codec:",omitempty"`
	SourceNode string `codec:",omitempty"`
}

type indirectPingReq struct {
	SeqNo      uint32
	Target     []byte
	Port       uint16
	Node       string
	Nack       bool
	SourceAddr []byte `codec:",omitempty"`
	SourcePort uint16 `codec:",omitempty"`
	SourceNode string `codec:",omitempty"`
}

type ackResp struct {
	SeqNo   uint32
	Payload []byte
}

type nackResp struct{ SeqNo uint32 }

type errResp struct{ Error string }

type suspect struct {
	Incarnation uint32
	Node        string
	From        string
}

type alive struct {
	Incarnation uint32
	Node        string
	Addr        []byte
	Port        uint16
	Meta        []byte
	Vsn         []uint8
}

type dead struct {
	Incarnation uint32
	Node        string
	From        string
}

type pushPullHeader struct {
	Nodes        int
	UserStateLen int
	Join         bool
}

type userMsgHeader struct{ UserMsgLen int }

type pushNodeState struct {
	Name        string
	Addr        []byte
	Port        uint16
	Meta        []byte
	Incarnation uint32
	State       int
	Vsn         []uint8
}

type compress struct {
	Algo int
	Buf  []byte
}

func enc(v interface{}) string {
	var buf bytes.Buffer
	hd := codec.MsgpackHandle{}
	if err := codec.NewEncoder(&buf, &hd).Encode(v); err != nil {
		panic(err)
	}
	return hex.EncodeToString(buf.Bytes())
}

func lzwOf(in []byte) string {
	var buf bytes.Buffer
	w := lzw.NewWriter(&buf, lzw.LSB, 8)
	w.Write(in)
	w.Close()
	return hex.EncodeToString(buf.Bytes())
}

func gcmOf(vsn byte, key, nonce, msg, data []byte) string {
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err)
	}
	gcm, _ := cipher.NewGCM(block)
	src := msg
	if vsn == 0 {
		pad := 16 - len(msg)%16
		src = append(append([]byte{}, msg...), bytes.Repeat([]byte{byte(pad)}, pad)...)
	}
	out := append([]byte{vsn}, nonce...)
	out = append(out, gcm.Seal(nil, nonce, src, data)...)
	return hex.EncodeToString(out)
}

func printVectors() {
	long := strings.Repeat("n", 40)
	v4 := []byte{198, 18, 0, 1}
	vsn := []uint8{1, 5, 2, 0, 0, 0}
	fmt.Println("ping", enc(&ping{SeqNo: 7, Node: "a"}))
	fmt.Println("ping-source", enc(&ping{SeqNo: 70000, Node: long, SourceAddr: v4, SourcePort: 7946, SourceNode: "b"}))
	fmt.Println("indirect", enc(&indirectPingReq{SeqNo: 200, Target: v4, Port: 7946, Node: "c", Nack: true}))
	fmt.Println("indirect-source", enc(&indirectPingReq{SeqNo: 1, Target: v4, Port: 1, Node: "c", Nack: false, SourceAddr: v4, SourcePort: 2, SourceNode: "d"}))
	fmt.Println("ack", enc(&ackResp{SeqNo: 7}))
	fmt.Println("ack-payload", enc(&ackResp{SeqNo: 4294967295, Payload: []byte{1, 2, 3}}))
	fmt.Println("nack", enc(&nackResp{SeqNo: 300}))
	fmt.Println("err", enc(&errResp{Error: "boom"}))
	fmt.Println("suspect", enc(&suspect{Incarnation: 3, Node: "a", From: "b"}))
	fmt.Println("alive", enc(&alive{Incarnation: 1, Node: long, Addr: v4, Port: 7946, Meta: nil, Vsn: vsn}))
	fmt.Println("alive-meta", enc(&alive{Incarnation: 65536, Node: "x", Addr: make([]byte, 16), Port: 1, Meta: bytes.Repeat([]byte{9}, 300), Vsn: vsn}))
	fmt.Println("dead", enc(&dead{Incarnation: 9, Node: "a", From: "a"}))
	fmt.Println("pushpull", enc(&pushPullHeader{Nodes: 2, UserStateLen: 0, Join: true}))
	fmt.Println("pushpull-big", enc(&pushPullHeader{Nodes: 1000, UserStateLen: 70000, Join: false}))
	fmt.Println("pushnode", enc(&pushNodeState{Name: "a", Addr: v4, Port: 7946, Meta: nil, Incarnation: 2, State: 3, Vsn: vsn}))
	fmt.Println("usermsg", enc(&userMsgHeader{UserMsgLen: 5}))
	fmt.Println("compress", enc(&compress{Algo: 0, Buf: []byte{1, 2}}))

	fmt.Println("lzw-empty", lzwOf(nil))
	fmt.Println("lzw-abc", lzwOf([]byte("abc")))
	fmt.Println("lzw-repeat", lzwOf(bytes.Repeat([]byte("abcabcabcd"), 100)))
	big := make([]byte, 20000)
	x := uint32(1)
	for i := range big {
		x = x*1103515245 + 12345
		big[i] = byte(x>>16) % 7
	}
	fmt.Println("lzw-big-input", hex.EncodeToString(big))
	fmt.Println("lzw-big", lzwOf(big))

	for _, s := range []string{"", "short", "exactly-thirty-two-bytes-secret!", "a secret longer than thirty-two bytes, cut"} {
		fmt.Println("key", hex.EncodeToString([]byte(s)), hex.EncodeToString(metalLbKey(s)))
	}

	key := []byte("0123456789abcdef")
	nonce := []byte("twelve-bytes")
	fmt.Println("gcm0", gcmOf(0, key, nonce, []byte("hello memberlist"), nil))
	fmt.Println("gcm1", gcmOf(1, key, nonce, []byte("hello memberlist"), []byte("label")))
}
