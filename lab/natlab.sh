#!/usr/bin/env bash
# natlab.sh - Punchline's NAT lab: network namespaces joined by a simulated internet, with nftables NAT
# routers for every RFC 4787 NAT type, and an optional user-space link shaper (delay, loss) per site.
# Documentation: docs/NATLAB.md. Needs root, iproute2, nftables, conntrack; ethtool and gcc for shaping.
#
#   natlab.sh check
#   natlab.sh up      --prefix P --site NAME:TYPE[,hosts=N][,hairpin][,v6] ... [--delay NAME:20ms] [--loss NAME:1%]
#                     [--owner PID]      (v6: global IPv6 behind a stateful firewall too; TYPE v6only: IPv6 only)
#   natlab.sh down    --prefix P          (idempotent; also cleans up after a crashed run)
#   natlab.sh gc                          (down for every lab whose --owner process is gone)
#   natlab.sh info    --prefix P
#   natlab.sh exec    --prefix P TARGET CMD...   TARGET: internet | relay | aux | SITE | SITE-h2 | SITE-r | ...
#   natlab.sh flush   --prefix P [SITE]   (forget all NAT mappings: conntrack -F and the NAT maps)
#   natlab.sh cut     --prefix P SITE [IP] (drop the site's UDP mappings and block its WAN side; with IP, block
#                                          only UDP to and from IP, leaving the mappings and everything else alone)
#   natlab.sh restore --prefix P SITE
#   natlab.sh count   --prefix P SITE IP... (count the packets the site sends to these addresses, on its outermost
#                                          router's WAN: table ip natlab_count, counter "peer" for all of them and
#                                          set "flows" with a counter per UDP flow, public sport . daddr . dport)
#   natlab.sh counted --prefix P SITE     (that table, as nft -j prints it)
#
# The lab never touches the root namespace's interfaces: every link is created directly between lab
# namespaces, so no packet can leave the lab. Addresses: 198.18.0.0/15 internet, 10.x LANs; with IPv6 sites
# also 2001:db8::/64 internet and 2001:db8:i::/64 for site i (documentation prefix 2001:db8::/32).
set -Eeuo pipefail

readonly STATE_DIR=${NATLAB_STATE_DIR:-/run/natlab}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
readonly SHAPER_SRC=$SCRIPT_DIR/linkshaper.c
readonly BUILD_DIR=${NATLAB_BUILD_DIR:-/tmp/natlab-build}
readonly RELAY_IP=198.18.0.10
readonly AUX_IP=198.18.0.11
readonly INET_LEN=15
readonly V6=2001:db8                  # the IPv6 internet: V6::/64, site i's LAN V6:i::/64 (its /48 routed to it)
readonly RELAY_IP6=$V6::10
readonly AUX_IP6=$V6::11
readonly MAP_TIMEOUT=120s      # NAT-map entries live as long as an answered UDP conntrack entry
readonly SHAPER_LIFETIME=${NATLAB_SHAPER_LIFETIME:-14400}   # seconds; an orphaned shaper exits by itself
readonly TYPES="public eim-eif eim-adf eim-apdf apdm apdm-seq cgnat cgnat-sym v6only"

PREFIX=""
OWNER=""
declare -a SITE_NAMES=()
declare -A SITE_TYPE=() SITE_HOSTS=() SITE_HAIRPIN=() SITE_INDEX=() SITE_DELAY=() SITE_LOSS=() SITE_V6=()

die() { echo "natlab: error: $*" >&2; exit 1; }
log() { [[ ${NATLAB_QUIET:-0} == 1 ]] || echo "natlab: $*" >&2; }
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# ---------------------------------------------------------------------------------------------- checks

missing_tools() {
  local t out=()
  for t in ip nft conntrack "$@"; do command -v "$t" >/dev/null 2>&1 || out+=("$t"); done
  echo "${out[*]}"
}

cmd_check() {
  local problems=() miss ns="natlabchk$$"
  [[ $(id -u) == 0 ]] || problems+=("not root")
  miss=$(missing_tools)
  [[ -z $miss ]] || problems+=("missing tools: $miss (apt-get install -y nftables iproute2 conntrack)")
  if [[ $(id -u) == 0 ]] && command -v ip >/dev/null; then
    if ip netns add "$ns" 2>/dev/null; then
      if command -v nft >/dev/null && ! nsx "$ns" nft add table ip natlabchk 2>/dev/null; then
        problems+=("nftables not usable in a network namespace")
      fi
      ip netns del "$ns" 2>/dev/null || true
    else
      problems+=("cannot create network namespaces")
    fi
  fi
  if ((${#problems[@]})); then
    printf 'natlab: unavailable: %s\n' "${problems[@]}"
    return 1
  fi
  miss=$(missing_tools ethtool gcc)
  if [[ -n $miss ]]; then echo "natlab: ok (no --delay/--loss: missing $miss)"; else echo "natlab: ok"; fi
}

valid_prefix() { [[ $1 =~ ^[a-z][a-z0-9]{0,7}$ ]]; }
valid_site() { [[ $1 =~ ^[a-z][a-z0-9]{0,7}$ && $1 != relay && $1 != aux && $1 != inet && $1 != internet ]]; }

lab_namespaces() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${PREFIX}-" || true; }

# ------------------------------------------------------------------------------------------- state file

state_file() { echo "$STATE_DIR/$PREFIX.lab"; }

save_state() {
  mkdir -p "$STATE_DIR"
  local s f; f=$(state_file)
  {
    echo "prefix $PREFIX"
    echo "owner ${OWNER:-0}"
    for s in "${SITE_NAMES[@]}"; do
      echo "site $s ${SITE_TYPE[$s]} ${SITE_INDEX[$s]} ${SITE_HOSTS[$s]} ${SITE_HAIRPIN[$s]} ${SITE_DELAY[$s]:-0} ${SITE_LOSS[$s]:-0} ${SITE_V6[$s]:-0}"
    done
  } >"$f.tmp"
  mv "$f.tmp" "$f"
}

load_state() {
  local f; f=$(state_file)
  [[ -f $f ]] || die "no lab with prefix '$PREFIX' (no $f)"
  local kind a b c d e f2 g h
  while read -r kind a b c d e f2 g h; do
    case $kind in
      owner) OWNER=$a ;;
      site)
        SITE_NAMES+=("$a"); SITE_TYPE[$a]=$b; SITE_INDEX[$a]=$c; SITE_HOSTS[$a]=$d; SITE_HAIRPIN[$a]=$e
        SITE_DELAY[$a]=$f2; SITE_LOSS[$a]=$g; SITE_V6[$a]=${h:-0} ;;
    esac
  done <"$f"
}

# ---------------------------------------------------------------------------------------- namespaces

ns_name() { echo "$PREFIX-$1"; }

# mkns NAME FORWARD(0|1) [V6FORWARD(0|1)]: a namespace with lo up, IPv6 off, no redirects, rp_filter off; with a
# third argument IPv6 on (forwarding as given): static addresses only (no router advertisements, no autoconfiguration),
# no duplicate address detection (an address is usable at once), no redirects.
mkns() {
  local ns v6=${3:-}; ns=$(ns_name "$1")
  ip netns add "$ns"
  nsx "$ns" sh -c "
    echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6
    echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6
    echo $2 > /proc/sys/net/ipv4/ip_forward
    for k in all default; do
      echo 0 > /proc/sys/net/ipv4/conf/\$k/send_redirects
      echo 0 > /proc/sys/net/ipv4/conf/\$k/accept_redirects
      echo 0 > /proc/sys/net/ipv4/conf/\$k/rp_filter
    done"
  if [[ -n $v6 ]]; then
    nsx "$ns" sh -c "
      for k in all default; do
        echo 0 > /proc/sys/net/ipv6/conf/\$k/accept_ra
        echo 0 > /proc/sys/net/ipv6/conf/\$k/autoconf
        echo 0 > /proc/sys/net/ipv6/conf/\$k/accept_dad
        echo 0 > /proc/sys/net/ipv6/conf/\$k/accept_redirects
        echo $v6 > /proc/sys/net/ipv6/conf/\$k/forwarding
        echo 0 > /proc/sys/net/ipv6/conf/\$k/disable_ipv6
      done"
  fi
  ip -n "$ns" link set lo up
}

# A bridge whose frames do not pass through the namespace's netfilter; with a third argument 1 (IPv6 crosses it),
# without multicast snooping, so neighbour discovery's multicast always floods.
mkbridge() {
  local ns=$1 br=$2
  if [[ ${3:-0} == 1 ]]; then
    ip -n "$ns" link add "$br" type bridge mcast_snooping 0
  else
    ip -n "$ns" link add "$br" type bridge
  fi
  if nsx "$ns" test -e /proc/sys/net/bridge/bridge-nf-call-iptables; then
    # shellcheck disable=SC2016 # expanded by the inner sh
    nsx "$ns" sh -c 'for f in /proc/sys/net/bridge/bridge-nf-call-*; do echo 0 > "$f"; done'
  fi
  ip -n "$ns" link set "$br" up
}

# veth NS1 IF1 NS2 IF2: a link between two lab namespaces, created directly inside them.
veth() {
  ip -n "$1" link add "$2" type veth peer name "$4" netns "$3"
  ip -n "$1" link set "$2" up
  ip -n "$3" link set "$4" up
}

inet_port() { # attach IF in namespace NS to the internet bridge through port PORT
  local ns=$1 ifname=$2 port=$3 inet; inet=$(ns_name inet)
  veth "$ns" "$ifname" "$inet" "$port"
  ip -n "$inet" link set "$port" master br0
}

# -------------------------------------------------------------------------------------------- nat rules

# nat_rules WAN_IF WAN_IP LAN_NET MODE HAIRPIN: the router's nftables ruleset (table ip natlab).
#   MODE: eif | adf | apdf | apdm | apdm-seq
# seq_ports FIRST COUNT: "0 : FIRST, 1 : FIRST+1, ..." for an nft map from a counter to ports.
seq_ports() {
  local i out=""
  for ((i = 0; i < $2; i++)); do out+="${out:+, }$i : $(($1 + i))"; done
  echo "$out"
}

nat_rules() {
  local wan=$1 ip=$2 lan=$3 mode=$4 hairpin=$5 random="" maps=0
  [[ $mode == apdm ]] && random=" fully-random"
  # apdm-seq: a symmetric NAT that allocates ports in sequence: every new flow (the NAT rule runs on a flow's first
  # packet only) gets the next port of one counter, 20000..24095 and round again. numgen's value is a host-order
  # number and a port is network-order, so the counter goes through a map to ports rather than straight into snat.
  [[ $mode == apdm-seq ]] && random=" : numgen inc mod 4096 map { $(seq_ports 20000 4096) }"
  [[ $mode == eif || $mode == adf || $hairpin == 1 ]] && maps=1
  echo "table ip natlab {"
  if ((maps)); then
    # public port -> inside endpoint, recorded after SNAT for every outgoing flow started inside
    echo "  map fc { type inet_proto . inet_service : ipv4_addr . inet_service; flags timeout; timeout $MAP_TIMEOUT; }"
  fi
  if [[ $mode == adf ]]; then
    # public port . remote address: which remote addresses this mapping has sent to
    echo "  set adf { type inet_proto . inet_service . ipv4_addr; flags timeout; timeout $MAP_TIMEOUT; }"
  fi
  echo "  chain pre {"
  echo "    type nat hook prerouting priority dstnat; policy accept;"
  if [[ $mode == eif ]]; then
    echo "    iifname \"$wan\" meta l4proto { tcp, udp } dnat ip addr . port to meta l4proto . th dport map @fc"
  elif [[ $mode == adf ]]; then
    echo "    iifname \"$wan\" meta l4proto { tcp, udp } meta l4proto . th dport . ip saddr @adf dnat ip addr . port to meta l4proto . th dport map @fc"
  fi
  if [[ $hairpin == 1 ]]; then
    echo "    iifname \"lan0\" ip daddr $ip meta l4proto { tcp, udp } dnat ip addr . port to meta l4proto . th dport map @fc"
  fi
  echo "  }"
  echo "  chain post {"
  echo "    type nat hook postrouting priority srcnat; policy accept;"
  if [[ $mode == apdm-seq ]]; then
    echo "    oifname \"$wan\" meta l4proto { tcp, udp } snat ip to $ip$random"
  fi
  echo "    oifname \"$wan\" snat ip to $ip${random%% : numgen*}"
  if [[ $hairpin == 1 ]]; then
    echo "    oifname \"lan0\" ip saddr $lan ct status dnat snat ip to $ip"
  fi
  echo "  }"
  if ((maps)); then
    echo "  chain record {"
    echo "    type filter hook postrouting priority srcnat + 10; policy accept;"
    echo "    oifname \"$wan\" ct direction original ct original ip saddr $lan meta l4proto { tcp, udp } update @fc { meta l4proto . th sport timeout $MAP_TIMEOUT : ct original ip saddr . ct original proto-src }"
    if [[ $mode == adf ]]; then
      echo "    oifname \"$wan\" meta l4proto { tcp, udp } update @adf { meta l4proto . th sport . ip daddr timeout $MAP_TIMEOUT }"
    fi
    echo "  }"
  fi
  # unsolicited inbound traffic is dropped silently, like a home router does
  echo "  chain inbound {"
  echo "    type filter hook input priority filter; policy accept;"
  echo "    iifname \"$wan\" ct state established,related accept"
  echo "    iifname \"$wan\" drop"
  echo "  }"
  echo "  chain through {"
  echo "    type filter hook forward priority filter; policy accept;"
  echo "    iifname \"$wan\" ct state established,related accept"
  echo "    iifname \"$wan\" ct status dnat accept"
  echo "    iifname \"$wan\" drop"
  echo "  }"
  echo "}"
}

# firewall6_rules WAN_IF: a v6 site router's IPv6 ruleset (table ip6 natlab6), a home router's IPv6 default: no NAT
# (the hosts' global addresses are what the internet sees), outbound from the LAN passes, inbound only as return
# traffic of a flow the LAN started (conntrack: the exact remote address and port); ICMPv6 to the router itself passes
# (neighbour discovery on the WAN link).
firewall6_rules() {
  local wan=$1
  echo "table ip6 natlab6 {"
  echo "  chain inbound {"
  echo "    type filter hook input priority filter; policy accept;"
  echo "    iifname \"$wan\" ct state established,related accept"
  echo "    iifname \"$wan\" meta l4proto ipv6-icmp accept"
  echo "    iifname \"$wan\" drop"
  echo "  }"
  echo "  chain through {"
  echo "    type filter hook forward priority filter; policy accept;"
  echo "    ct state established,related accept"
  echo "    iifname \"lan0\" oifname \"$wan\" accept"
  echo "    iifname \"$wan\" drop"
  echo "  }"
  echo "}"
}

wan6() { echo "$V6::$1:1"; }   # site i's IPv6 WAN address (router or public host)
lan6() { echo "$V6:$1::"; }    # site i's IPv6 LAN /64 (router ::1, hosts ::2, ::3, ...)
lab_v6() { local s; for s in "${SITE_NAMES[@]}"; do ((${SITE_V6[$s]:-0})) && return 0; done; return 1; }

# ----------------------------------------------------------------------------------------------- up

parse_duration_ms() { # 20ms | 1s | 20 -> milliseconds
  local v=$1
  if [[ $v =~ ^([0-9]+)ms$ || $v =~ ^([0-9]+)$ ]]; then echo "${BASH_REMATCH[1]}"
  elif [[ $v =~ ^([0-9]+)s$ ]]; then echo $((BASH_REMATCH[1] * 1000))
  else die "bad delay '$v' (use e.g. 20ms)"; fi
}

parse_loss_ppm() { # 1% | 0.5% -> parts per million
  local v=${1%\%}
  [[ $v =~ ^([0-9]{1,2}|100)(\.([0-9]{1,4}))?$ ]] || die "bad loss '$1' (use e.g. 1% or 0.5%)"
  local frac=${BASH_REMATCH[3]:-0}
  frac=$(printf '%-4s' "$frac"); frac=${frac// /0}
  echo $((10#${BASH_REMATCH[1]} * 10000 + 10#$frac))
}

add_site_spec() {
  local spec=$1 name type rest opt
  [[ $spec == *:* ]] || die "bad --site '$spec' (NAME:TYPE[,hosts=N][,hairpin][,v6])"
  name=${spec%%:*}; rest=${spec#*:}
  type=${rest%%,*}
  valid_site "$name" || die "bad site name '$name' (a-z0-9, at most 8, not relay/aux/inet)"
  [[ " $TYPES " == *" $type "* ]] || die "unknown NAT type '$type' (one of: $TYPES)"
  [[ -z ${SITE_TYPE[$name]:-} ]] || die "site '$name' given twice"
  SITE_NAMES+=("$name"); SITE_TYPE[$name]=$type; SITE_HOSTS[$name]=1; SITE_HAIRPIN[$name]=0; SITE_V6[$name]=0
  [[ $type == v6only ]] && SITE_V6[$name]=1
  SITE_INDEX[$name]=${#SITE_NAMES[@]}
  if [[ $rest == *,* ]]; then
    local IFS=,
    for opt in ${rest#*,}; do
      case $opt in
        hosts=[1-9]) SITE_HOSTS[$name]=${opt#hosts=} ;;
        hairpin) SITE_HAIRPIN[$name]=1 ;;
        v6) SITE_V6[$name]=1 ;;
        *) die "bad site option '$opt' in '$spec'" ;;
      esac
    done
  fi
  case $type in
    public) ((SITE_HOSTS[$name] == 1)) || die "a public site has one host" ;&
    apdm | apdm-seq | cgnat | cgnat-sym | v6only) ((SITE_HAIRPIN[$name] == 0)) || die "hairpin is built for eim-* sites only" ;;
  esac
  if [[ $type == cgnat || $type == cgnat-sym ]] && ((SITE_V6[$name])); then
    die "v6 is not built behind a carrier NAT (cgnat, cgnat-sym): use it on public, eim-*, apdm or apdm-seq sites"
  fi
}

site_of() { local s=${1%%:*}; [[ -n ${SITE_TYPE[$s]:-} ]] || die "--delay/--loss for unknown site '$s'"; echo "$s"; }

setup_site() {
  local s=$1 i=${SITE_INDEX[$1]} type=${SITE_TYPE[$1]} n=${SITE_HOSTS[$1]} hp=${SITE_HAIRPIN[$1]}
  local wan_ip="198.18.$i.1" lan="10.$i.0" uplink k mode
  local shaped=0 v6=${SITE_V6[$1]:-0} v6arg="" forward=1
  [[ ${SITE_DELAY[$s]:-0} != 0 || ${SITE_LOSS[$s]:-0} != 0 ]] && shaped=1
  if ((v6)); then v6arg=1; fi
  [[ $type == v6only ]] && forward=0   # the router routes no IPv4 for the LAN
  log "site $s: $type (index $i, hosts $n, hairpin $hp, delay ${SITE_DELAY[$s]:-0}ms, loss ${SITE_LOSS[$s]:-0}ppm)${v6arg:+ with IPv6}"

  if [[ $type == public ]]; then
    uplink=$s-h1
    mkns "$uplink" 0 ${v6arg:+0}
  else
    mkns "$s-r" "$forward" ${v6arg:+1}
    uplink=$s-r
    [[ $type == cgnat || $type == cgnat-sym ]] && { mkns "$s-c" 1; uplink=$s-c; }
  fi

  # the uplink's wan0 to the internet bridge, directly or through the link shaper's namespace
  if ((shaped)); then
    mkns "$s-l" 0
    veth "$(ns_name "$uplink")" wan0 "$(ns_name "$s-l")" up0
    inet_port "$(ns_name "$s-l")" dn0 "s-$s"
  else
    inet_port "$(ns_name "$uplink")" wan0 "s-$s"
  fi
  ip -n "$(ns_name "$uplink")" addr add "$wan_ip/$INET_LEN" dev wan0
  if ((v6)); then ip -n "$(ns_name "$uplink")" addr add "$(wan6 "$i")/64" dev wan0 nodad; fi

  [[ $type == public ]] && return 0

  local r; r=$(ns_name "$s-r")
  case $type in
    eim-eif) mode=eif ;; eim-adf) mode=adf ;; eim-apdf | cgnat | cgnat-sym) mode=apdf ;; apdm) mode=apdm ;; apdm-seq) mode=apdm-seq ;;
  esac
  if [[ $type == v6only ]]; then
    : # no IPv4 on the LAN: the router keeps its IPv4 WAN address only, and forwards no IPv4
  elif [[ $type == cgnat || $type == cgnat-sym ]]; then
    # carrier: 198.18.i.1 outside, 10.(100+i).0.1 towards the home router; home router 10.(100+i).0.2.
    # cgnat: both layers eim-apdf; cgnat-sym: a symmetric carrier (apdm) in front of the eim-apdf home router
    local c cg="10.$((100 + i)).0" carrier=apdf; c=$(ns_name "$s-c")
    [[ $type == cgnat-sym ]] && carrier=apdm
    veth "$c" lan0 "$r" wan0
    ip -n "$c" addr add "$cg.1/24" dev lan0
    ip -n "$r" addr add "$cg.2/24" dev wan0
    ip -n "$r" route add default via "$cg.1"
    nat_rules wan0 "$wan_ip" "$cg.0/24" "$carrier" 0 | nsx "$c" nft -f -
    nat_rules wan0 "$cg.2" "$lan.0/24" apdf 0 | nsx "$r" nft -f -
  else
    nat_rules wan0 "$wan_ip" "$lan.0/24" "$mode" "$hp" | nsx "$r" nft -f -
  fi
  if ((v6)); then firewall6_rules wan0 | nsx "$r" nft -f -; fi
  mkbridge "$r" lan0 "$v6"
  [[ $type == v6only ]] || ip -n "$r" addr add "$lan.1/24" dev lan0
  if ((v6)); then ip -n "$r" addr add "$(lan6 "$i")1/64" dev lan0 nodad; fi
  for ((k = 1; k <= n; k++)); do
    mkns "$s-h$k" 0 ${v6arg:+0}
    veth "$r" "h$k" "$(ns_name "$s-h$k")" eth0
    ip -n "$r" link set "h$k" master lan0
    if [[ $type != v6only ]]; then
      ip -n "$(ns_name "$s-h$k")" addr add "$lan.$((k + 1))/24" dev eth0
      ip -n "$(ns_name "$s-h$k")" route add default via "$lan.1"
    fi
    if ((v6)); then
      ip -n "$(ns_name "$s-h$k")" addr add "$(lan6 "$i")$((k + 1))/64" dev eth0 nodad
      ip -n "$(ns_name "$s-h$k")" -6 route add default via "$(lan6 "$i")1"
    fi
  done
}

# every IPv6 namespace on the internet (relay, aux, the v6 sites' routers and public hosts) reaches each v6 site's
# /48 through that site's WAN address (the IPv4 internet needs no routes: it is one /15 on the bridge)
v6_routes() {
  local s t i ns
  for s in "${SITE_NAMES[@]}"; do
    ((SITE_V6[$s])) && [[ ${SITE_TYPE[$s]} != public ]] || continue
    i=${SITE_INDEX[$s]}
    for t in relay aux "${SITE_NAMES[@]}"; do
      case $t in
        relay | aux) ns=$(ns_name "$t") ;;
        *) [[ $t != "$s" ]] && ((SITE_V6[$t])) || continue; ns=$(edge_ns "$t") ;;
      esac
      ip -n "$ns" -6 route add "$V6:$i::/48" via "$(wan6 "$i")"
    done
  done
}

build_shaper() {
  local bin=$BUILD_DIR/linkshaper
  if [[ ! -x $bin || $SHAPER_SRC -nt $bin ]]; then
    command -v gcc >/dev/null || die "gcc is needed to build the link shaper for --delay/--loss"
    mkdir -p "$BUILD_DIR"
    gcc -O2 -Wall -Wextra -o "$bin.tmp.$$" "$SHAPER_SRC"
    mv "$bin.tmp.$$" "$bin"
  fi
  echo "$bin"
}

offloads_off() { # every lab interface: TCP reaches the shaper segmented (it splits UDP GSO frames only), no GRO
  local ns ifname
  for ns in $(lab_namespaces); do
    for ifname in $(ip -n "$ns" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1); do
      [[ $ifname == lo ]] && continue
      nsx "$ns" ethtool -K "$ifname" tso off gro off >/dev/null 2>&1 || true
    done
  done
}

start_shapers() {
  local s bin any=0 ns
  for s in "${SITE_NAMES[@]}"; do
    [[ ${SITE_DELAY[$s]:-0} != 0 || ${SITE_LOSS[$s]:-0} != 0 ]] && any=1
  done
  ((any)) || return 0
  command -v ethtool >/dev/null || die "ethtool is needed for --delay/--loss"
  bin=$(build_shaper)
  offloads_off
  for s in "${SITE_NAMES[@]}"; do
    [[ ${SITE_DELAY[$s]:-0} != 0 || ${SITE_LOSS[$s]:-0} != 0 ]] || continue
    ns=$(ns_name "$s-l")
    ip -n "$ns" link set up0 promisc on
    ip -n "$ns" link set dn0 promisc on
    local logf=$STATE_DIR/$PREFIX-$s-shaper.log ready=$STATE_DIR/$PREFIX-$s-shaper.ready
    rm -f "$ready"
    nsx "$ns" setsid "$bin" --a up0 --b dn0 --delay-ms "${SITE_DELAY[$s]:-0}" --loss-ppm "${SITE_LOSS[$s]:-0}" \
      --lifetime "$SHAPER_LIFETIME" --ready-file "$ready" </dev/null >"$logf" 2>&1 &
    local t
    for ((t = 0; t < 100; t++)); do [[ -e $ready ]] && break; sleep 0.05; done
    [[ -e $ready ]] || die "link shaper for site $s did not start (see $logf)"
  done
}

cmd_up() {
  [[ -n $PREFIX ]] || die "--prefix is required"
  ((${#SITE_NAMES[@]})) || die "at least one --site is required"
  ((${#SITE_NAMES[@]} <= 99)) || die "at most 99 sites"
  [[ $(id -u) == 0 ]] || die "must run as root"
  local miss; miss=$(missing_tools); [[ -z $miss ]] || die "missing tools: $miss"
  [[ -z $(lab_namespaces) ]] || die "namespaces with prefix '$PREFIX-' exist already; run: $0 down --prefix $PREFIX"
  local v6arg=""
  if lab_v6; then
    [[ -d /proc/sys/net/ipv6 ]] || die "IPv6 sites need a kernel with IPv6 (no /proc/sys/net/ipv6)"
    v6arg=0
  fi
  save_state
  local main_pid=$BASHPID
  # shellcheck disable=SC2154 # rc is assigned inside the trap
  trap 'rc=$?; [[ $BASHPID == "$main_pid" ]] || exit $rc; echo "natlab: up failed (line $LINENO), tearing down" >&2; trap - ERR EXIT; do_down; exit $rc' ERR
  trap 'rc=$?; if ((rc)); then trap - ERR EXIT; do_down; fi' EXIT
  trap 'exit 130' INT TERM

  mkns inet 0
  mkbridge "$(ns_name inet)" br0 ${v6arg:+1}
  mkns relay 0 $v6arg
  inet_port "$(ns_name relay)" eth0 relay
  ip -n "$(ns_name relay)" addr add "$RELAY_IP/$INET_LEN" dev eth0
  mkns aux 0 $v6arg
  inet_port "$(ns_name aux)" eth0 aux
  ip -n "$(ns_name aux)" addr add "$AUX_IP/$INET_LEN" dev eth0
  if [[ -n $v6arg ]]; then
    ip -n "$(ns_name relay)" addr add "$RELAY_IP6/64" dev eth0 nodad
    ip -n "$(ns_name aux)" addr add "$AUX_IP6/64" dev eth0 nodad
  fi

  local s
  for s in "${SITE_NAMES[@]}"; do setup_site "$s"; done
  if [[ -n $v6arg ]]; then v6_routes; fi
  start_shapers
  trap - ERR EXIT INT TERM
  cmd_info
}

# --------------------------------------------------------------------------------------------- down

kill_ns_processes() {
  local ns=$1 pids t
  pids=$(ip netns pids "$ns" 2>/dev/null || true)
  [[ -z $pids ]] && return 0
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  for ((t = 0; t < 40; t++)); do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [[ -z $pids ]] && return 0
    sleep 0.05
  done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
}

do_down() {
  local ns
  for ns in $(lab_namespaces); do kill_ns_processes "$ns"; done
  for ns in $(lab_namespaces); do ip netns del "$ns" 2>/dev/null || true; done
  local f site
  for f in "$STATE_DIR/$PREFIX"-*-shaper.log; do # what each link shaper counted over the lab's life, on stdout
    [[ -e $f ]] || continue
    site=${f##*/$PREFIX-}; site=${site%-shaper.log}
    grep -h "socket drops\|received\|send failed" "$f" | sed "s/^linkshaper:/shaper $site:/" || true
  done
  rm -f "$STATE_DIR/$PREFIX.lab" "$STATE_DIR/$PREFIX".lab.tmp "$STATE_DIR/$PREFIX"-*-shaper.*
  [[ -z $(lab_namespaces) ]] || { echo "natlab: could not delete: $(lab_namespaces | tr '\n' ' ')" >&2; return 1; }
}

cmd_down() {
  [[ -n $PREFIX ]] || die "--prefix is required"
  do_down
  log "lab '$PREFIX' is down"
}

cmd_gc() {
  local f owner
  [[ -d $STATE_DIR ]] || return 0
  for f in "$STATE_DIR"/*.lab; do
    [[ -e $f ]] || continue
    PREFIX=$(basename "$f" .lab)
    owner=$(awk '$1 == "owner" {print $2}' "$f")
    if [[ -n $owner && $owner != 0 ]] && ! kill -0 "$owner" 2>/dev/null; then
      log "lab '$PREFIX': owner $owner is gone, tearing it down"
      do_down || true
    fi
  done
}

# -------------------------------------------------------------------------------------- info, exec

cmd_info() {
  [[ -n $PREFIX ]] || die "--prefix is required"
  ((${#SITE_NAMES[@]})) || load_state
  echo "prefix=$PREFIX"
  local v6info=""
  if lab_v6; then v6info=" address6=$RELAY_IP6"; fi
  echo "host=relay ns=$(ns_name relay) address=$RELAY_IP$v6info"
  if lab_v6; then v6info=" address6=$AUX_IP6"; fi
  echo "host=aux ns=$(ns_name aux) address=$AUX_IP$v6info"
  local s i k hosts nss hosts6
  for s in "${SITE_NAMES[@]}"; do
    i=${SITE_INDEX[$s]}; hosts=""; nss=""; hosts6=""; v6info=""
    if [[ ${SITE_TYPE[$s]} == public ]]; then
      hosts="198.18.$i.1"; nss=$(ns_name "$s-h1"); hosts6=$(wan6 "$i")
    else
      for ((k = 1; k <= SITE_HOSTS[$s]; k++)); do
        [[ ${SITE_TYPE[$s]} == v6only ]] || hosts+="${hosts:+,}10.$i.0.$((k + 1))"
        nss+="${nss:+,}$(ns_name "$s-h$k")"; hosts6+="${hosts6:+,}$(lan6 "$i")$((k + 1))"
      done
    fi
    # v6 sites: the WAN's IPv6 address and the hosts' global ones (what the internet sees: no NAT66)
    if ((${SITE_V6[$s]:-0})); then v6info=" wan6=$(wan6 "$i") hosts6=$hosts6"; fi
    echo "site=$s type=${SITE_TYPE[$s]} public=198.18.$i.1 hosts=$hosts ns=$nss hairpin=${SITE_HAIRPIN[$s]}" \
      "delay_ms=${SITE_DELAY[$s]:-0} loss_ppm=${SITE_LOSS[$s]:-0}$v6info"
  done
}

target_ns() {
  local t=$1
  case $t in
    internet | inet) ns_name inet ;;
    relay | aux) ns_name "$t" ;;
    *)
      if [[ -n ${SITE_TYPE[$t]:-} ]]; then ns_name "$t-h1"
      elif ip netns list | awk '{print $1}' | grep -qx "$(ns_name "$t")"; then ns_name "$t"
      else die "unknown target '$t' (internet, relay, aux, SITE, SITE-hN, SITE-r, SITE-c, SITE-l)"; fi ;;
  esac
}

cmd_exec() {
  [[ -n $PREFIX ]] || die "--prefix is required"
  (($# >= 2)) || die "usage: exec --prefix P TARGET CMD..."
  load_state
  local ns; ns=$(target_ns "$1"); shift
  exec ip netns exec "$ns" "$@"
}

# the namespace holding the site's public address, and its WAN interface
edge_ns() {
  case ${SITE_TYPE[$1]} in
    public) ns_name "$1-h1" ;;
    cgnat | cgnat-sym) ns_name "$1-c" ;;
    *) ns_name "$1-r" ;;
  esac
}

flush_ns() {
  local ns=$1
  nsx "$ns" conntrack -F >/dev/null 2>&1 || true
  nsx "$ns" nft flush map ip natlab fc 2>/dev/null || true
  nsx "$ns" nft flush set ip natlab adf 2>/dev/null || true
}

cmd_flush() {
  [[ -n $PREFIX ]] || die "--prefix is required"
  load_state
  local s
  (($#)) || set -- "${SITE_NAMES[@]}"
  for s in "$@"; do
    [[ -n ${SITE_TYPE[$s]:-} ]] || die "unknown site '$s'"
    [[ ${SITE_TYPE[$s]} == public ]] && continue
    flush_ns "$(ns_name "$s-r")"
    if ((${SITE_V6[$s]:-0})); then nsx "$(ns_name "$s-r")" conntrack -F -f ipv6 >/dev/null 2>&1 || true; fi
    [[ ${SITE_TYPE[$s]} == cgnat || ${SITE_TYPE[$s]} == cgnat-sym ]] && flush_ns "$(ns_name "$s-c")"
  done
  return 0
}

cmd_cut() {
  [[ -n $PREFIX && ( $# == 1 || $# == 2 ) ]] || die "usage: cut --prefix P SITE [IP]"
  load_state
  [[ -n ${SITE_TYPE[$1]:-} ]] || die "unknown site '$1'"
  local ns; ns=$(edge_ns "$1")
  if (($# == 2)); then
    [[ $2 =~ ^198\.18\.[0-9]+\.[0-9]+$ ]] || die "cut: '$2' is not a lab address (198.18.x.y)"
    nsx "$ns" nft -f - <<EOF
table ip natlabcut {
  chain pre { type filter hook prerouting priority raw - 10; policy accept; iifname "wan0" ip saddr $2 meta l4proto udp drop; }
  chain out { type filter hook output priority raw - 10; policy accept; oifname "wan0" ip daddr $2 meta l4proto udp drop; }
  chain through { type filter hook forward priority raw - 10; policy accept; oifname "wan0" ip daddr $2 meta l4proto udp drop; }
}
EOF
    log "site $1 cut from $2"
    return 0
  fi
  nsx "$ns" nft -f - <<EOF
table ip natlabcut {
  chain pre { type filter hook prerouting priority raw - 10; policy accept; iifname "wan0" meta l4proto udp drop; }
  chain out { type filter hook output priority raw - 10; policy accept; oifname "wan0" meta l4proto udp drop; }
  chain through { type filter hook forward priority raw - 10; policy accept; oifname "wan0" meta l4proto udp drop; }
}
EOF
  nsx "$ns" conntrack -D -p udp >/dev/null 2>&1 || true
  nsx "$ns" nft flush map ip natlab fc 2>/dev/null || true
  nsx "$ns" nft flush set ip natlab adf 2>/dev/null || true
  log "site $1 cut"
}

cmd_restore() {
  [[ -n $PREFIX && $# == 1 ]] || die "usage: restore --prefix P SITE"
  load_state
  [[ -n ${SITE_TYPE[$1]:-} ]] || die "unknown site '$1'"
  nsx "$(edge_ns "$1")" nft delete table ip natlabcut 2>/dev/null || true
  log "site $1 restored"
}

# the packets a site sends to some addresses (a peer's public address: hole-punching probes, then direct
# traffic), counted where they leave the site, after every NAT layer: its outermost router's (or public host's) wan0
cmd_count() {
  [[ -n $PREFIX && $# -ge 2 ]] || die "usage: count --prefix P SITE IP..."
  load_state
  [[ -n ${SITE_TYPE[$1]:-} ]] || die "unknown site '$1'"
  local ns ip ips=(); ns=$(edge_ns "$1"); shift
  for ip in "$@"; do
    [[ $ip =~ ^198\.18\.[0-9]+\.[0-9]+$ ]] || die "count: '$ip' is not a lab address (198.18.x.y)"
    [[ $ip != "$RELAY_IP" ]] || die "count: $ip is the relay host"
    ips+=("$ip")
  done
  nsx "$ns" nft delete table ip natlab_count 2>/dev/null || true
  local set; set=$(IFS=,; echo "${ips[*]}")
  nsx "$ns" nft -f - <<EOF
table ip natlab_count {
  counter peer { }
  set flows { type inet_service . ipv4_addr . inet_service; size 65536; flags dynamic; counter; }
  chain post {
    type filter hook postrouting priority srcnat + 20; policy accept;
    oifname "wan0" ip daddr { $set } counter name "peer"
    oifname "wan0" ip daddr { $set } meta l4proto udp add @flows { udp sport . ip daddr . udp dport }
  }
}
EOF
  log "counting packets from $ns to $set"
}

cmd_counted() {
  [[ -n $PREFIX && $# == 1 ]] || die "usage: counted --prefix P SITE"
  load_state
  [[ -n ${SITE_TYPE[$1]:-} ]] || die "unknown site '$1'"
  nsx "$(edge_ns "$1")" nft -j list table ip natlab_count
}

# -------------------------------------------------------------------------------------------- main

main() {
  (($#)) || die "usage: $0 check|up|down|gc|info|exec|flush|cut|restore|count|counted [--prefix P] ..."
  local cmd=$1; shift
  local -a delays=() losses=() rest=()
  while (($#)); do
    case $1 in
      --prefix) PREFIX=${2:?}; valid_prefix "$PREFIX" || die "bad prefix '$PREFIX' (a-z0-9, starts with a letter, at most 8)"; shift 2 ;;
      --site) [[ $cmd == up ]] || die "--site is for up"; add_site_spec "${2:?}"; shift 2 ;;
      --delay) delays+=("${2:?}"); shift 2 ;;
      --loss) losses+=("${2:?}"); shift 2 ;;
      --owner) OWNER=${2:?}; [[ $OWNER =~ ^[0-9]+$ ]] || die "bad owner pid"; shift 2 ;;
      --) shift; rest+=("$@"); break ;;
      *) if [[ $cmd == exec ]]; then rest+=("$@"); break; fi; rest+=("$1"); shift ;;
    esac
  done
  local d s
  for d in "${delays[@]}"; do s=$(site_of "$d"); SITE_DELAY[$s]=$(parse_duration_ms "${d#*:}"); done
  for d in "${losses[@]}"; do s=$(site_of "$d"); SITE_LOSS[$s]=$(parse_loss_ppm "${d#*:}"); done
  case $cmd in
    check) cmd_check ;;
    up) cmd_up ;;
    down) cmd_down ;;
    gc) cmd_gc ;;
    info) cmd_info ;;
    exec) cmd_exec "${rest[@]}" ;;
    flush) cmd_flush "${rest[@]}" ;;
    cut) cmd_cut "${rest[@]}" ;;
    restore) cmd_restore "${rest[@]}" ;;
    count) cmd_count "${rest[@]}" ;;
    counted) cmd_counted "${rest[@]}" ;;
    *) die "unknown command '$cmd'" ;;
  esac
}

main "$@"
