package io.punchline.portmap;

/** The three ways to ask a home gateway for a port mapping, in the order {@link PortMapper} tries them. */
public enum GatewayProtocol {
    /** Port Control Protocol, RFC 6887. */
    PCP,
    /** NAT Port Mapping Protocol, RFC 6886. */
    NAT_PMP,
    /** UPnP Internet Gateway Device, WANIPConnection:1/2 (or WANPPPConnection:1) over SSDP and SOAP. */
    UPNP_IGD
}
