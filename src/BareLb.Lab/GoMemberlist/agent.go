// BareLb's Go test agent: a hashicorp/memberlist member configured as MetalLB's speaker
// configures it (internal/speakerlist: DefaultLANConfig, node name, bind address and port,
// SecretKey derived from the secret file), for the interop tests of BareLb.Membership.
//
// Build: GOPATH=/usr/share/gocode GO111MODULE=off go build -o agent .
//
// -probe-interval, -probe-timeout, -gossip-interval, -push-pull-interval, -suspicion-mult and
// -suspicion-max-timeout-mult change those timings (for the idle-cost anchor); without them they
// stay as MetalLB leaves them.
//
// stdout, one event a line: "ready NAME", "join NAME ADDR:PORT", "leave NAME", "update NAME",
// "joined N", "member NAME STATE", "error TEXT". stdin commands: "join ADDR:PORT", "members",
// "leave", "shutdown". "-vectors" prints encodings for the codec tests instead.
package main

import (
	"bufio"
	"crypto/sha256"
	"flag"
	"fmt"
	"io/ioutil"
	"log"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
)

var out sync.Mutex

func say(format string, args ...interface{}) {
	out.Lock()
	defer out.Unlock()
	fmt.Printf(format+"\n", args...)
}

type events struct{}

func (events) NotifyJoin(n *memberlist.Node) {
	say("join %s %s:%d", n.Name, n.Addr, n.Port)
}
func (events) NotifyLeave(n *memberlist.Node)  { say("leave %s", n.Name) }
func (events) NotifyUpdate(n *memberlist.Node) { say("update %s", n.Name) }

// metalLbKey derives the key exactly as MetalLB's speakerlist.New does:
// sha256.New().Sum([]byte(secret))[:32], that is the secret's bytes followed by the
// SHA-256 of nothing, cut to 32 bytes (Sum appends the digest to its argument).
func metalLbKey(secret string) []byte {
	sha := sha256.New()
	return sha.Sum([]byte(secret))[:32]
}

func main() {
	name := flag.String("name", "go-agent", "node name")
	bind := flag.String("bind", "0.0.0.0", "bind address")
	port := flag.Int("port", 7946, "bind port")
	secretFile := flag.String("secret-file", "", "file holding the secret (as MetalLB's secretkey file)")
	vectors := flag.Bool("vectors", false, "print codec test vectors and exit")
	// Timings other than the LAN defaults, for measuring memberlist with BareLb's (0: the default stays).
	probeInterval := flag.Duration("probe-interval", 0, "ProbeInterval")
	probeTimeout := flag.Duration("probe-timeout", 0, "ProbeTimeout")
	gossipInterval := flag.Duration("gossip-interval", 0, "GossipInterval")
	pushPullInterval := flag.Duration("push-pull-interval", 0, "PushPullInterval")
	suspicionMult := flag.Int("suspicion-mult", 0, "SuspicionMult")
	suspicionMaxTimeoutMult := flag.Int("suspicion-max-timeout-mult", 0, "SuspicionMaxTimeoutMult")
	flag.Parse()

	if *vectors {
		printVectors()
		return
	}

	cfg := memberlist.DefaultLANConfig()
	cfg.Name = *name
	cfg.BindAddr = *bind
	cfg.BindPort = *port
	cfg.AdvertisePort = *port
	cfg.Events = events{}
	cfg.LogOutput = os.Stderr
	if *probeInterval > 0 {
		cfg.ProbeInterval = *probeInterval
	}
	if *probeTimeout > 0 {
		cfg.ProbeTimeout = *probeTimeout
	}
	if *gossipInterval > 0 {
		cfg.GossipInterval = *gossipInterval
	}
	if *pushPullInterval > 0 {
		cfg.PushPullInterval = *pushPullInterval
	}
	if *suspicionMult > 0 {
		cfg.SuspicionMult = *suspicionMult
	}
	if *suspicionMaxTimeoutMult > 0 {
		cfg.SuspicionMaxTimeoutMult = *suspicionMaxTimeoutMult
	}
	if *secretFile != "" {
		secret, err := ioutil.ReadFile(*secretFile)
		if err != nil {
			log.Fatalf("reading secret: %v", err)
		}
		cfg.SecretKey = metalLbKey(string(secret))
	}

	ml, err := memberlist.Create(cfg)
	if err != nil {
		say("error %v", err)
		os.Exit(1)
	}
	say("ready %s", *name)

	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		fields := strings.Fields(in.Text())
		if len(fields) == 0 {
			continue
		}
		switch fields[0] {
		case "join":
			n, err := ml.Join(fields[1:])
			if err != nil {
				say("joinerror %v", err)
			} else {
				say("joined %d", n)
			}
		case "members":
			for _, m := range ml.Members() {
				say("member %s %d", m.Name, m.State)
			}
			say("members-end")
		case "leave":
			if err := ml.Leave(5 * time.Second); err != nil {
				say("error %v", err)
			}
			say("left")
		case "shutdown":
			ml.Shutdown()
			say("shutdown")
			os.Exit(0)
		default:
			say("error unknown command %q", fields[0])
		}
	}
	ml.Shutdown()
}
