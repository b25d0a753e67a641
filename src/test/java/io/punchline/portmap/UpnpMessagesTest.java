package io.punchline.portmap;

import io.punchline.wire.WireFormatException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SSDP answers, IGD device descriptions and SOAP answers as miniupnpd sends them, and hostile variants. */
class UpnpMessagesTest {

    /** miniupnpd's rootDesc.xml, shortened to the parts a client reads. */
    static final String ROOT_DESC = """
            <?xml version="1.0"?>
            <root xmlns="urn:schemas-upnp-org:device-1-0" configId="1337"><specVersion><major>1</major><minor>1</minor></specVersion>
            <device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType><friendlyName>router</friendlyName>
            <serviceList><service><serviceType>urn:schemas-upnp-org:service:Layer3Forwarding:1</serviceType>
            <serviceId>urn:upnp-org:serviceId:L3Forwarding1</serviceId><SCPDURL>/L3F.xml</SCPDURL><controlURL>/ctl/L3F</controlURL>
            <eventSubURL>/evt/L3F</eventSubURL></service></serviceList>
            <deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>
            <deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>
            <serviceList><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType>
            <serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId><SCPDURL>/WANIPCn.xml</SCPDURL>
            <controlURL>/ctl/IPConn</controlURL><eventSubURL>/evt/IPConn</eventSubURL></service></serviceList>
            </device></deviceList></device></deviceList></device></root>
            """;

    @Test
    void anSsdpAnswerGivesItsLocation() throws Exception {
        byte[] answer = ("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
                + "USN: uuid:1::urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nEXT:\r\nSERVER: Debian/12 UPnP/1.1 MiniUPnPd/2.3.1\r\n"
                + "Location: http://192.168.1.1:5000/rootDesc.xml\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(SsdpSearch.location(answer, 0, answer.length)).isEqualTo(URI.create("http://192.168.1.1:5000/rootDesc.xml"));
    }

    @Test
    void theSearchAsksForAnInternetGatewayDevice() {
        String request = new String(SsdpSearch.request(SsdpSearch.IGD), StandardCharsets.US_ASCII);
        assertThat(request).startsWith("M-SEARCH * HTTP/1.1\r\n").contains("MAN: \"ssdp:discover\"\r\n")
                .contains("ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n").endsWith("\r\n\r\n");
    }

    @Test
    void anSsdpAnswerWithoutLocationOrNotHttpIsRefused() {
        byte[] noLocation = "HTTP/1.1 200 OK\r\nST: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> SsdpSearch.location(noLocation, 0, noLocation.length)).isInstanceOf(WireFormatException.class);
        byte[] file = "HTTP/1.1 200 OK\r\nLOCATION: file:///etc/passwd\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> SsdpSearch.location(file, 0, file.length)).isInstanceOf(WireFormatException.class);
        byte[] notify = "NOTIFY * HTTP/1.1\r\nLOCATION: http://192.168.1.1/\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> SsdpSearch.location(notify, 0, notify.length)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void theDescriptionNamesTheWanIpConnectionControlUrlResolvedAgainstItsLocation() throws Exception {
        IgdService service = IgdDescription.service(ROOT_DESC.strip().getBytes(StandardCharsets.UTF_8),
                URI.create("http://192.168.1.1:5000/rootDesc.xml"));
        assertThat(service).isEqualTo(new IgdService("urn:schemas-upnp-org:service:WANIPConnection:1",
                URI.create("http://192.168.1.1:5000/ctl/IPConn")));
        assertThat(service.isVersion2()).isFalse();
    }

    @Test
    void wanIpConnection2IsPreferred() throws Exception {
        String both = ROOT_DESC.replace("<eventSubURL>/evt/IPConn</eventSubURL></service>",
                "<eventSubURL>/evt/IPConn</eventSubURL></service><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:2"
                        + "</serviceType><controlURL>/ctl/IP2</controlURL></service>");
        assertThat(both).contains("/ctl/IP2");
        IgdService service = IgdDescription.service(both.strip().getBytes(StandardCharsets.UTF_8),
                URI.create("http://192.168.1.1:5000/rootDesc.xml"));
        assertThat(service.controlUrl()).isEqualTo(URI.create("http://192.168.1.1:5000/ctl/IP2"));
        assertThat(service.isVersion2()).isTrue();
    }

    @Test
    void aDescriptionWithADoctypeIsRefusedSoNoEntityIsEverExpanded() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE root [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<root><URLBase>&x;</URLBase></root>";
        assertThatThrownBy(() -> IgdDescription.service(xxe.getBytes(StandardCharsets.UTF_8), URI.create("http://192.168.1.1/")))
                .isInstanceOf(WireFormatException.class);
    }

    @Test
    void aDescriptionWithoutAWanConnectionServiceIsRefused() {
        String none = ROOT_DESC.replace("WANIPConnection:1", "WANCommonInterfaceConfig:1");
        assertThatThrownBy(() -> IgdDescription.service(none.strip().getBytes(StandardCharsets.UTF_8),
                URI.create("http://192.168.1.1:5000/rootDesc.xml"))).isInstanceOf(WireFormatException.class);
    }

    @Test
    void theAddPortMappingEnvelopeHasTheTemplatesArgumentsInOrder() {
        IgdService service = new IgdService("urn:schemas-upnp-org:service:WANIPConnection:1", URI.create("http://192.168.1.1:5000/ctl/IPConn"));
        IgdAction action = IgdAction.addPortMapping(service, false, 4433, 4433, "192.168.1.2", 7200);
        assertThat(action.soapAction()).isEqualTo("\"urn:schemas-upnp-org:service:WANIPConnection:1#AddPortMapping\"");
        assertThat(new String(action.envelope(), StandardCharsets.UTF_8)).contains(
                "<u:AddPortMapping xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\"><NewRemoteHost></NewRemoteHost>"
                        + "<NewExternalPort>4433</NewExternalPort><NewProtocol>UDP</NewProtocol><NewInternalPort>4433</NewInternalPort>"
                        + "<NewInternalClient>192.168.1.2</NewInternalClient><NewEnabled>1</NewEnabled>"
                        + "<NewPortMappingDescription>Punchline</NewPortMappingDescription><NewLeaseDuration>7200</NewLeaseDuration>"
                        + "</u:AddPortMapping>");
    }

    static final String ENVELOPE = "<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
            + "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body>%s</s:Body></s:Envelope>\r\n";

    @Test
    void getExternalIpAddressAnswersWithTheAddress() throws Exception {
        String xml = ENVELOPE.formatted("<u:GetExternalIPAddressResponse xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\">"
                + "<NewExternalIPAddress>198.51.100.7</NewExternalIPAddress></u:GetExternalIPAddressResponse>");
        IgdAnswer answer = IgdAnswer.parse(xml.getBytes(StandardCharsets.UTF_8), "GetExternalIPAddress");
        assertThat(answer.isSuccess()).isTrue();
        assertThat(answer.values()).containsEntry("NewExternalIPAddress", "198.51.100.7");
    }

    @Test
    void aFaultGivesTheUpnpErrorCode() throws Exception {
        String xml = ENVELOPE.formatted("<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>"
                + "<UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>718</errorCode>"
                + "<errorDescription>ConflictInMappingEntry</errorDescription></UPnPError></detail></s:Fault>");
        IgdAnswer answer = IgdAnswer.parse(xml.getBytes(StandardCharsets.UTF_8), "AddPortMapping");
        assertThat(answer.isSuccess()).isFalse();
        assertThat(answer.errorCode()).isEqualTo(IgdAnswer.CONFLICT_IN_MAPPING_ENTRY);
        assertThat(answer.errorDescription()).isEqualTo("ConflictInMappingEntry");
    }

    @Test
    void anAnswerToAnotherActionIsRefused() {
        String xml = ENVELOPE.formatted("<u:DeletePortMappingResponse xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\"/>");
        assertThatThrownBy(() -> IgdAnswer.parse(xml.getBytes(StandardCharsets.UTF_8), "AddPortMapping"))
                .isInstanceOf(WireFormatException.class);
    }
}
