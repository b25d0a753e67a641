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
 * Delay and loss apply to each direction (a->b and b->a); loss only to IPv4/IPv6 frames, never to ARP. The interfaces should have no addresses,
 * be in promiscuous mode, and have tx checksum offload, TSO, GSO and GRO off on every interface whose
 * frames pass here (frames are re-sent exactly as received, so checksums must be complete).
 * Exits on SIGTERM/SIGINT, after --lifetime seconds, or when an interface goes away; prints counters (with the
 * frames the kernel dropped at a full socket buffer before the shaper read them).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
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

#define SLOT_SIZE 2048   /* frames are at most 1514 bytes with offloads off */
#define QUEUE_SLOTS 16384 /* per direction: 50 ms of 1200-byte frames at 390 MB/s, or a 16 MB burst */
#define BATCH 64         /* frames read per poll wake-up and socket, bounds each loop turn */

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

struct frame {
    uint64_t due_ns;
    uint16_t len;
    unsigned char data[SLOT_SIZE];
};

struct queue {
    struct frame *slots;
    unsigned head, count;
    uint64_t received, forwarded, lost, overflow, oversize, send_errors;
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

static int open_raw(const char *ifname, int *ifindex) {
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd < 0) { perror("socket(AF_PACKET)"); exit(1); }
    *ifindex = (int) if_nametoindex(ifname);
    if (*ifindex == 0) { fprintf(stderr, "linkshaper: no interface %s\n", ifname); exit(1); }
    int one = 1;
    setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one); /* best effort, checked below too */
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

static unsigned char scratch[BATCH][SLOT_SIZE]; /* frames read while the queue is full, to be dropped */

/* Reads up to BATCH frames from fd into q with one recvmmsg, applying loss; -1 if the interface is gone. */
static int receive(int fd, struct queue *q, uint64_t delay_ns, uint32_t loss_ppm) {
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    struct sockaddr_ll from[BATCH];
    unsigned free_slots = QUEUE_SLOTS - q->count;
    memset(msgs, 0, sizeof msgs);
    for (unsigned i = 0; i < BATCH; i++) {
        iov[i].iov_base = i < free_slots ? q->slots[(q->head + q->count + i) % QUEUE_SLOTS].data : scratch[i];
        iov[i].iov_len = SLOT_SIZE;
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
        q->received++;
        unsigned char *buf = iov[i].iov_base;
        unsigned len = msgs[i].msg_len;
        if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) { q->oversize++; continue; }
        /* loss applies to IP packets only: a lost ARP exchange would stall a flow for a whole second (the
         * kernel's ARP retry time), which is no behaviour of a lossy internet path */
        int is_ip = len >= 14 && ((buf[12] == 0x08 && buf[13] == 0x00) || (buf[12] == 0x86 && buf[13] == 0xdd));
        if (is_ip && loss_ppm && (next_random() % 1000000u) < loss_ppm) { q->lost++; continue; }
        if (q->count == QUEUE_SLOTS) { q->overflow++; continue; }
        struct frame *f = &q->slots[(q->head + q->count) % QUEUE_SLOTS];
        if (f->data != buf) memcpy(f->data, buf, len); /* close the gap left by a dropped frame */
        f->len = (uint16_t) len;
        f->due_ns = due;
        q->count++;
    }
    return 0;
}

/* Sends the frames of q that are due, up to BATCH per sendmmsg; returns the due time of the next frame
 * still queued, or 0 if q is empty. The socket is bound to its interface, so no address is needed. */
static uint64_t transmit(int fd, struct queue *q) {
    for (int rounds = 0; rounds < QUEUE_SLOTS / BATCH + 1 && q->count; rounds++) {
        uint64_t now = now_ns();
        struct mmsghdr msgs[BATCH];
        struct iovec iov[BATCH];
        unsigned k = 0;
        memset(msgs, 0, sizeof msgs);
        while (k < BATCH && k < q->count) {
            struct frame *f = &q->slots[(q->head + k) % QUEUE_SLOTS];
            if (f->due_ns > now) break;
            iov[k].iov_base = f->data;
            iov[k].iov_len = f->len;
            msgs[k].msg_hdr.msg_iov = &iov[k];
            msgs[k].msg_hdr.msg_iovlen = 1;
            k++;
        }
        if (k == 0) return q->slots[q->head].due_ns;
        int sent = sendmmsg(fd, msgs, k, MSG_DONTWAIT);
        if (sent < 0) {
            if (errno == EAGAIN || errno == ENOBUFS || errno == EINTR) return now + 100000; /* retry in 0.1 ms */
            q->send_errors++;
            sent = 1; /* drop the frame that failed */
        } else {
            q->forwarded += (uint64_t) sent;
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
    if (!ab.slots || !ba.slots) { fprintf(stderr, "linkshaper: out of memory\n"); return 1; }
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
            "linkshaper: %s->%s received %llu forwarded %llu lost %llu overflow %llu oversize %llu errors %llu\n",
            ifa, ifb, (unsigned long long) ab.received, (unsigned long long) ab.forwarded, (unsigned long long) ab.lost,
            (unsigned long long) ab.overflow, (unsigned long long) ab.oversize, (unsigned long long) ab.send_errors);
    fprintf(stderr,
            "linkshaper: %s->%s received %llu forwarded %llu lost %llu overflow %llu oversize %llu errors %llu\n",
            ifb, ifa, (unsigned long long) ba.received, (unsigned long long) ba.forwarded, (unsigned long long) ba.lost,
            (unsigned long long) ba.overflow, (unsigned long long) ba.oversize, (unsigned long long) ba.send_errors);
    return 0;
}
