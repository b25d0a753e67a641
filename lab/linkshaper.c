/*
 * linkshaper: a user-space link for the NAT lab (this kernel has no sch_netem).
 *
 * Forwards Ethernet frames between two interfaces through AF_PACKET raw sockets (recvmmsg/sendmmsg, up to
 * 64 frames per call), in both directions,
 * holding each frame for a fixed delay and dropping a fraction of them. Each direction has its own
 * bounded FIFO queue (drop-tail when full). Because every frame of a direction gets the same delay,
 * FIFO order is also due-time order, and no reordering happens.
 *
 *   linkshaper --a IF --b IF [--delay-ms N] [--loss-ppm N] [--lifetime SECONDS] [--ready-file PATH]
 *
 * Delay and loss apply to each direction (a->b and b->a); loss only to IPv4/IPv6 packets, never to ARP. The interfaces
 * should have no addresses and be in promiscuous mode. Frames come and go with their offload state (PACKET_VNET_HDR):
 * a UDP GSO frame of several packets stays one frame, and loses each packet on its own (the runs kept leave as
 * frames of their own); TCP segmentation offload and GRO should be off on the lab's interfaces, so that every other
 * frame carries one packet. Counters count packets.
 * Exits on SIGTERM/SIGINT, after --lifetime seconds, or when an interface goes away; prints counters (with the
 * frames the kernel dropped at a full socket buffer before the shaper read them).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <endian.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MAX (65536 + 64) /* a GSO frame: up to 64 KB of IP packet, plus the Ethernet header */
#define QUEUE_SLOTS 16384         /* frames per direction */
#define RING_BYTES (64u << 20)    /* frame bytes per direction: 50 ms at 1.3 GB/s; touched only as far as used */
#define BATCH 64                  /* frames read per poll wake-up and socket, bounds each loop turn */

#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5 /* Linux 5.x's uapi; older headers lack it */
#endif

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

/* A frame waiting for its due time: its bytes in the direction's ring, its offload header beside it. */
struct frame {
    uint64_t due_ns;
    uint32_t offset, len;
    uint32_t packets; /* IP packets it carries: a GSO frame's segments, else 1; the counters count packets */
    struct virtio_net_hdr vnet;
};

struct queue {
    struct frame *slots;
    unsigned head, count;
    unsigned char *ring;
    uint32_t ring_tail; /* where the next frame's bytes go; the oldest frame's start at slots[head].offset */
    uint64_t received, forwarded, lost, overflow, oversize, send_errors, split;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig) { (void) sig; stop = 1; }

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t next_random(void) { /* xorshift64*, good enough for drop decisions */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t) ((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static int lost_now(uint32_t loss_ppm) { return loss_ppm && (next_random() % 1000000u) < loss_ppm; }

static int open_raw(const char *ifname, int *ifindex) {
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd < 0) { perror("socket(AF_PACKET)"); exit(1); }
    *ifindex = (int) if_nametoindex(ifname);
    if (*ifindex == 0) { fprintf(stderr, "linkshaper: no interface %s\n", ifname); exit(1); }
    int one = 1;
    setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one); /* best effort, checked below too */
    /* frames come and go with their offload state (struct virtio_net_hdr in front): a GSO frame of several UDP
     * packets stays one frame, and a partial checksum stays for the kernel to complete */
    if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one) < 0) { perror("PACKET_VNET_HDR"); exit(1); }
    /* 32 MB: this thread shares two cores with the engines under test and is off the CPU for milliseconds at a
     * time; a smaller buffer drops what arrives meanwhile, loss the link was not asked for (4 MB lost 1-5 % of a
     * transfer's frames on top of the 1 % asked). The FORCE variants pass net.core.rmem_max as root; the plain ones
     * are the fallback. */
    int buf = 32 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf) < 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof buf) < 0) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    struct sockaddr_ll sll = {0};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = *ifindex;
    if (bind(fd, (struct sockaddr *) &sll, sizeof sll) < 0) { perror("bind"); exit(1); }
    return fd;
}

/* Room for len bytes in q's ring after its newest frame, wrapping to the start; UINT32_MAX if the ring is full. */
static uint32_t ring_place(struct queue *q, uint32_t len) {
    if (q->count == 0) q->ring_tail = 0;
    uint32_t oldest = q->count ? q->slots[q->head].offset : 0;
    if (q->count == 0 || q->ring_tail > oldest) {
        if (q->ring_tail + len <= RING_BYTES) return q->ring_tail;
        return len < oldest ? 0 : UINT32_MAX;
    }
    return q->ring_tail + len < oldest ? q->ring_tail : UINT32_MAX;
}

/* Queues one frame (the concatenation of two byte ranges) due at due, or counts its packets as overflow. */
static void enqueue(struct queue *q, const unsigned char *head, uint32_t head_len, const unsigned char *body,
                    uint32_t body_len, const struct virtio_net_hdr *vnet, uint32_t packets, uint64_t due) {
    uint32_t len = head_len + body_len;
    uint32_t at = q->count < QUEUE_SLOTS ? ring_place(q, len) : UINT32_MAX;
    if (at == UINT32_MAX) { q->overflow += packets; return; }
    memcpy(q->ring + at, head, head_len);
    memcpy(q->ring + at + head_len, body, body_len);
    struct frame *f = &q->slots[(q->head + q->count) % QUEUE_SLOTS];
    f->due_ns = due;
    f->offset = at;
    f->len = len;
    f->packets = packets;
    f->vnet = *vnet;
    q->ring_tail = at + len;
    q->count++;
}

static uint16_t csum16_add(uint16_t a, uint16_t b) { /* ones' complement, as the kernel's */
    uint16_t r = (uint16_t) (a + b);
    return (uint16_t) (r + (r < b));
}

static uint16_t ipv4_header_checksum(const unsigned char *ip, unsigned ihl) {
    uint32_t sum = 0;
    for (unsigned i = 0; i < ihl; i += 2) sum += (uint32_t) (ip[i] << 8 | ip[i + 1]);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t) ~sum;
}

/*
 * A UDP GSO frame (Linux UDP_SEGMENT: one IP/UDP header, then payloads of gso_size bytes, the last maybe shorter)
 * loses each of its packets on its own, as the link would: the runs of packets kept leave as frames of their own,
 * each with its IP and UDP lengths (and the IPv4 identification and header checksum, and the UDP pseudo-header
 * checksum the kernel completes) as the kernel's segmentation would give its packets; a run of one packet goes as a
 * plain frame. Returns 0 if the frame is no UDP GSO frame this can split (then the caller treats it whole).
 */
static int split_udp_gso(struct queue *q, unsigned char *buf, uint32_t len, const struct virtio_net_hdr *vnet,
                         uint32_t loss_ppm, uint64_t due) {
    if (vnet->gso_type != VIRTIO_NET_HDR_GSO_UDP_L4 || !(vnet->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)) return 0;
    uint16_t gso = le16toh(vnet->gso_size);
    unsigned ip = 14, l4;
    int v4 = buf[12] == 0x08 && buf[13] == 0x00, v6 = buf[12] == 0x86 && buf[13] == 0xdd;
    if (v4 && len >= ip + 20 && (buf[ip] >> 4) == 4 && buf[ip + 9] == 17) l4 = ip + (buf[ip] & 0x0f) * 4u;
    else if (v6 && len >= ip + 40 && buf[ip + 6] == 17) l4 = ip + 40;
    else return 0;
    uint32_t payload = l4 + 8;
    unsigned char head[128];
    if (gso == 0 || len <= payload || payload > sizeof head) return 0;
    uint32_t bytes = len - payload, packets = (bytes + gso - 1) / gso;
    static unsigned char lost[FRAME_MAX];
    uint32_t dropped = 0;
    for (uint32_t i = 0; i < packets; i++) dropped += (lost[i] = (unsigned char) lost_now(loss_ppm));
    q->received += packets;
    q->lost += dropped;
    if (dropped == 0) { enqueue(q, buf, len, NULL, 0, vnet, packets, due); return 1; }
    q->split++;
    for (uint32_t i = 0; i < packets;) {
        if (lost[i]) { i++; continue; }
        uint32_t j = i;
        while (j < packets && !lost[j]) j++;
        uint32_t from = i * gso, to = j * (uint32_t) gso < bytes ? j * (uint32_t) gso : bytes, run = to - from;
        memcpy(head, buf, payload);
        uint16_t udp_len = htons((uint16_t) (8 + run)), old_len;
        memcpy(&old_len, head + l4 + 4, 2);
        memcpy(head + l4 + 4, &udp_len, 2);
        uint16_t check; /* the pseudo-header sum the kernel completes covers the UDP length */
        memcpy(&check, head + l4 + 6, 2);
        check = csum16_add(csum16_add(check, (uint16_t) ~old_len), udp_len);
        memcpy(head + l4 + 6, &check, 2);
        if (v4) {
            unsigned ihl = (head[ip] & 0x0f) * 4u;
            uint16_t total = htons((uint16_t) (ihl + 8 + run)), id;
            memcpy(head + ip + 2, &total, 2);
            memcpy(&id, head + ip + 4, 2);
            id = htons((uint16_t) (ntohs(id) + i)); /* the identification the kernel gives packet i */
            memcpy(head + ip + 4, &id, 2);
            head[ip + 10] = head[ip + 11] = 0;
            uint16_t sum = htons(ipv4_header_checksum(head + ip, ihl));
            memcpy(head + ip + 10, &sum, 2);
        } else {
            uint16_t plen = udp_len;
            memcpy(head + ip + 4, &plen, 2);
        }
        struct virtio_net_hdr part = *vnet;
        /* the kernel gave the linear part's length, which can reach into the payload; a shorter run would fail
         * (EINVAL), and the headers are all the kernel needs in the linear part */
        part.hdr_len = htole16((uint16_t) payload);
        if (j - i == 1) { part.gso_type = VIRTIO_NET_HDR_GSO_NONE; part.gso_size = 0; }
        enqueue(q, head, payload, buf + payload + from, run, &part, j - i, due);
        i = j;
    }
    return 1;
}

static unsigned char inbox[BATCH][sizeof(struct virtio_net_hdr) + FRAME_MAX];

/* Reads up to BATCH frames from fd into q with one recvmmsg, applying loss; -1 if the interface is gone. */
static int receive(int fd, struct queue *q, uint64_t delay_ns, uint32_t loss_ppm) {
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    struct sockaddr_ll from[BATCH];
    memset(msgs, 0, sizeof msgs);
    for (unsigned i = 0; i < BATCH; i++) {
        iov[i].iov_base = inbox[i];
        iov[i].iov_len = sizeof inbox[i];
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &from[i];
        msgs[i].msg_hdr.msg_namelen = sizeof from[i];
    }
    int n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
        if (errno == ENETDOWN || errno == ENXIO || errno == ENODEV) return -1;
        perror("recvmmsg");
        return 0;
    }
    uint64_t due = now_ns() + delay_ns;
    for (int i = 0; i < n; i++) {
        if (from[i].sll_pkttype == PACKET_OUTGOING) continue; /* our own transmissions */
        struct virtio_net_hdr vnet;
        memcpy(&vnet, inbox[i], sizeof vnet);
        unsigned char *buf = inbox[i] + sizeof vnet;
        if ((msgs[i].msg_hdr.msg_flags & MSG_TRUNC) || msgs[i].msg_len < sizeof vnet) { q->received++; q->oversize++; continue; }
        uint32_t len = msgs[i].msg_len - (uint32_t) sizeof vnet;
        /* loss applies to IP packets only: a lost ARP exchange would stall a flow for a whole second (the
         * kernel's ARP retry time), which is no behaviour of a lossy internet path */
        int is_ip = len >= 14 && ((buf[12] == 0x08 && buf[13] == 0x00) || (buf[12] == 0x86 && buf[13] == 0xdd));
        if (is_ip && vnet.gso_type != VIRTIO_NET_HDR_GSO_NONE && split_udp_gso(q, buf, len, &vnet, loss_ppm, due)) continue;
        /* any other frame is one packet (natlab.sh turns TCP segmentation offload off, so TCP comes segmented) */
        q->received++;
        if (is_ip && lost_now(loss_ppm)) { q->lost++; continue; }
        enqueue(q, buf, len, NULL, 0, &vnet, 1, due);
    }
    return 0;
}

/* Sends the frames of q that are due, up to BATCH per sendmmsg; returns the due time of the next frame
 * still queued, or 0 if q is empty. The socket is bound to its interface, so no address is needed. */
static uint64_t transmit(int fd, struct queue *q) {
    for (int rounds = 0; rounds < QUEUE_SLOTS / BATCH + 1 && q->count; rounds++) {
        uint64_t now = now_ns();
        struct mmsghdr msgs[BATCH];
        struct iovec iov[BATCH][2];
        unsigned k = 0;
        memset(msgs, 0, sizeof msgs);
        while (k < BATCH && k < q->count) {
            struct frame *f = &q->slots[(q->head + k) % QUEUE_SLOTS];
            if (f->due_ns > now) break;
            iov[k][0].iov_base = &f->vnet;
            iov[k][0].iov_len = sizeof f->vnet;
            iov[k][1].iov_base = q->ring + f->offset;
            iov[k][1].iov_len = f->len;
            msgs[k].msg_hdr.msg_iov = iov[k];
            msgs[k].msg_hdr.msg_iovlen = 2;
            k++;
        }
        if (k == 0) return q->slots[q->head].due_ns;
        int sent = sendmmsg(fd, msgs, k, MSG_DONTWAIT);
        if (sent < 0) {
            if (errno == EAGAIN || errno == ENOBUFS || errno == EINTR) return now + 100000; /* retry in 0.1 ms */
            struct frame *f = &q->slots[q->head];
            if (q->send_errors < 20) /* the first few, to say why */
                fprintf(stderr, "linkshaper: send failed (%s): frame of %u bytes, %u packets, gso type %u size %u\n",
                        strerror(errno), f->len, f->packets, f->vnet.gso_type, le16toh(f->vnet.gso_size));
            q->send_errors += f->packets;
            sent = 1; /* drop the frame that failed */
        } else {
            for (int i = 0; i < sent; i++) q->forwarded += q->slots[(q->head + (unsigned) i) % QUEUE_SLOTS].packets;
        }
        q->head = (q->head + (unsigned) sent) % QUEUE_SLOTS;
        q->count -= (unsigned) sent;
        if ((unsigned) sent < k) return now + 100000; /* the device queue is full: retry in 0.1 ms */
    }
    return q->count ? q->slots[q->head].due_ns : 0;
}

static void usage(void) {
    fprintf(stderr, "usage: linkshaper --a IF --b IF [--delay-ms N] [--loss-ppm N] [--lifetime S] [--ready-file P]\n");
    exit(2);
}

int main(int argc, char **argv) {
    const char *ifa = NULL, *ifb = NULL, *ready = NULL;
    long delay_ms = 0, loss_ppm = 0, lifetime = 4 * 3600;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) usage();
        if (!strcmp(argv[i], "--a")) ifa = argv[++i];
        else if (!strcmp(argv[i], "--b")) ifb = argv[++i];
        else if (!strcmp(argv[i], "--delay-ms")) delay_ms = atol(argv[++i]);
        else if (!strcmp(argv[i], "--loss-ppm")) loss_ppm = atol(argv[++i]);
        else if (!strcmp(argv[i], "--lifetime")) lifetime = atol(argv[++i]);
        else if (!strcmp(argv[i], "--ready-file")) ready = argv[++i];
        else usage();
    }
    if (!ifa || !ifb || delay_ms < 0 || delay_ms > 10000 || loss_ppm < 0 || loss_ppm > 1000000 || lifetime <= 0) usage();

    rng_state ^= now_ns() ^ ((uint64_t) getpid() << 32);
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    int ia, ib;
    int fa = open_raw(ifa, &ia), fb = open_raw(ifb, &ib);
    struct queue ab = {0}, ba = {0}; /* frames read on a, to be sent on b; and the reverse */
    ab.slots = calloc(QUEUE_SLOTS, sizeof(struct frame));
    ba.slots = calloc(QUEUE_SLOTS, sizeof(struct frame));
    ab.ring = malloc(RING_BYTES);
    ba.ring = malloc(RING_BYTES);
    if (!ab.slots || !ba.slots || !ab.ring || !ba.ring) { fprintf(stderr, "linkshaper: out of memory\n"); return 1; }
    uint64_t delay_ns = (uint64_t) delay_ms * 1000000ull;
    uint64_t deadline = now_ns() + (uint64_t) lifetime * 1000000000ull;

    if (ready) {
        int rf = open(ready, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (rf >= 0) { dprintf(rf, "%d\n", getpid()); close(rf); }
    }
    fprintf(stderr, "linkshaper: %s <-> %s, delay %ld ms each way, loss %ld ppm each way\n", ifa, ifb, delay_ms, loss_ppm);

    int gone = 0;
    while (!stop && !gone) {
        uint64_t now = now_ns();
        if (now >= deadline) { fprintf(stderr, "linkshaper: lifetime reached\n"); break; }
        uint64_t next1 = transmit(fb, &ab), next2 = transmit(fa, &ba);
        uint64_t next = deadline;
        if (next1 && next1 < next) next = next1;
        if (next2 && next2 < next) next = next2;
        now = now_ns();
        /* ppoll: nanosecond timeouts, so frames leave at their due time instead of in 1 ms bursts */
        uint64_t wait_ns = next > now ? next - now : 0;
        if (wait_ns > 1000000000ull) wait_ns = 1000000000ull;
        struct timespec timeout = {.tv_sec = (time_t) (wait_ns / 1000000000ull), .tv_nsec = (long) (wait_ns % 1000000000ull)};
        struct pollfd p[2] = {{.fd = fa, .events = POLLIN}, {.fd = fb, .events = POLLIN}};
        int r = ppoll(p, 2, &timeout, NULL);
        if (r < 0) { if (errno == EINTR) continue; perror("ppoll"); break; }
        if ((p[0].revents & (POLLERR | POLLNVAL)) || (p[1].revents & (POLLERR | POLLNVAL))) {
            /* the interface went down or away: drain the error and re-check */
            int err; socklen_t len = sizeof err;
            getsockopt(fa, SOL_SOCKET, SO_ERROR, &err, &len);
            getsockopt(fb, SOL_SOCKET, SO_ERROR, &err, &len);
            if (!if_nametoindex(ifa) || !if_nametoindex(ifb)) gone = 1;
        }
        if (p[0].revents & POLLIN && receive(fa, &ab, delay_ns, (uint32_t) loss_ppm) < 0) gone = 1;
        if (p[1].revents & POLLIN && receive(fb, &ba, delay_ns, (uint32_t) loss_ppm) < 0) gone = 1;
    }
    /* frames the kernel dropped because a socket's receive buffer was full: lost before the shaper saw them,
     * on top of the loss it was asked for (a burst faster than this one thread drains) */
    struct tpacket_stats sa_stats = {0}, sb_stats = {0};
    socklen_t stats_len = sizeof sa_stats;
    getsockopt(fa, SOL_PACKET, PACKET_STATISTICS, &sa_stats, &stats_len);
    stats_len = sizeof sb_stats;
    getsockopt(fb, SOL_PACKET, PACKET_STATISTICS, &sb_stats, &stats_len);
    fprintf(stderr, "linkshaper: socket drops %s %u %s %u\n", ifa, sa_stats.tp_drops, ifb, sb_stats.tp_drops);
    fprintf(stderr,
            "linkshaper: %s->%s received %llu forwarded %llu lost %llu overflow %llu oversize %llu errors %llu split %llu\n",
            ifa, ifb, (unsigned long long) ab.received, (unsigned long long) ab.forwarded, (unsigned long long) ab.lost,
            (unsigned long long) ab.overflow, (unsigned long long) ab.oversize, (unsigned long long) ab.send_errors,
            (unsigned long long) ab.split);
    fprintf(stderr,
            "linkshaper: %s->%s received %llu forwarded %llu lost %llu overflow %llu oversize %llu errors %llu split %llu\n",
            ifb, ifa, (unsigned long long) ba.received, (unsigned long long) ba.forwarded, (unsigned long long) ba.lost,
            (unsigned long long) ba.overflow, (unsigned long long) ba.oversize, (unsigned long long) ba.send_errors,
            (unsigned long long) ba.split);
    return 0;
}
