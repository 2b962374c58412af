namespace BareLb.Kube.Tests.Configuration;

/// <summary>Configuration texts shared by the tests.</summary>
internal static class Samples
{
    /// <summary>metallb_config.yaml from the guide, verbatim (read from ../shared/scenario/).</summary>
    public static string GuideConfigMap => Guide.MetalLbConfigYaml;

    /// <summary>A legacy ConfigMap using every field of MetalLB v0.12's format.</summary>
    public const string EveryLegacyField = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          namespace: metallb-system
          name: config
        data:
          config: |
            peers:
            - peer-address: 10.0.0.1
              peer-asn: 64501
              my-asn: 64500
              peer-port: 1179
              source-address: 10.0.0.2
              hold-time: 120s
              keepalive-time: 30s
              router-id: 10.0.0.2
              password: secret
              bfd-profile: fast
              ebgp-multihop: true
              node-selectors:
              - match-labels:
                  kubernetes.io/hostname: node-a
                match-expressions:
                - key: kubernetes.io/arch
                  operator: In
                  values: [amd64, arm64]
            bgp-communities:
              no-advertise: 65535:65282
            bfd-profiles:
            - name: fast
              receive-interval: 100
              transmit-interval: 100
              detect-multiplier: 3
              echo-interval: 50
              echo-mode: false
              passive-mode: false
              minimum-ttl: 10
            address-pools:
            - name: l2-pool
              protocol: layer2
              addresses:
              - 198.18.0.0/28
              - 198.18.1.1/32
              avoid-buggy-ips: true
              auto-assign: false
            - name: bgp-pool
              protocol: bgp
              addresses:
              - 198.18.2.0-198.18.2.255
              - 2001:db8::/120
              bgp-advertisements:
              - aggregation-length: 24
                aggregation-length-v6: 124
                localpref: 100
                communities: [no-advertise, "64500:1"]
              - {}
            - name: plain-bgp
              protocol: bgp
              addresses: [198.18.3.0/24]

        """;

    /// <summary>One object of every metallb.io configuration kind, plus the status kinds.</summary>
    public const string EveryCrdKind = """
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata:
          name: first
          namespace: metallb-system
          labels:
            zone: a
        spec:
          addresses:
          - 198.18.0.0/28
          - 198.18.0.100-198.18.0.110
          - 2001:db8::1/128
          autoAssign: false
          avoidBuggyIPs: true
          serviceAllocation:
            priority: 10
            namespaces: [web]
            namespaceSelectors:
            - matchLabels:
                team: blue
            serviceSelectors:
            - matchExpressions:
              - key: tier
                operator: In
                values: [front]
        ---
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata:
          name: second
          namespace: metallb-system
        spec:
          addresses: [198.18.1.0/24]
        ---
        apiVersion: metallb.io/v1beta1
        kind: L2Advertisement
        metadata:
          name: l2
          namespace: metallb-system
        spec:
          ipAddressPoolSelectors:
          - matchLabels:
              zone: a
          nodeSelectors:
          - matchLabels:
              kubernetes.io/hostname: node-a
          interfaces: [eth0]
        ---
        apiVersion: metallb.io/v1beta1
        kind: BGPAdvertisement
        metadata:
          name: bgp
          namespace: metallb-system
        spec:
          ipAddressPools: [second]
          aggregationLength: 24
          aggregationLengthV6: 120
          localPref: 50
          communities: [no-export, "65000:7", "large:1:2:3"]
          peers: [router-v2, router-v1]
        ---
        apiVersion: metallb.io/v1beta2
        kind: BGPPeer
        metadata:
          name: router-v2
          namespace: metallb-system
        spec:
          myASN: 64500
          peerASN: 64501
          peerAddress: 198.18.255.1
          peerPort: 179
          holdTime: 90s
          keepaliveTime: 30s
          routerID: 198.18.255.2
          bfdProfile: fast
          ebgpMultiHop: true
          nodeSelectors:
          - matchLabels:
              rack: r1
        ---
        apiVersion: metallb.io/v1beta1
        kind: BGPPeer
        metadata:
          name: router-v1
          namespace: metallb-system
        spec:
          myASN: 64500
          peerASN: 64502
          peerAddress: 2001:db8::ff
          nodeSelectors:
          - matchExpressions:
            - key: rack
              operator: Exists
        ---
        apiVersion: metallb.io/v1beta1
        kind: BFDProfile
        metadata:
          name: fast
          namespace: metallb-system
        spec:
          receiveInterval: 300
          transmitInterval: 300
          detectMultiplier: 3
          echoMode: false
          minimumTtl: 254
        ---
        apiVersion: metallb.io/v1beta1
        kind: Community
        metadata:
          name: communities
          namespace: metallb-system
        spec:
          communities:
          - name: no-export
            value: 65535:65281
        ---
        apiVersion: metallb.io/v1beta1
        kind: ServiceL2Status
        metadata:
          name: l2-web
          namespace: metallb-system
        status:
          node: node-a
          serviceName: web
          serviceNamespace: default
          interfaces:
          - name: eth0
        ---
        apiVersion: metallb.io/v1beta1
        kind: ServiceBGPStatus
        metadata:
          name: bgp-web
          namespace: metallb-system
        status:
          node: node-a
          serviceName: web
          serviceNamespace: default
          peers: [router-v2]

        """;
}
