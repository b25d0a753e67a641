package io.punchline.quic;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tech.kwik.agent15.alert.BadCertificateAlert;

import java.net.SocketException;

import static org.assertj.core.api.Assertions.assertThat;

/** kwik's failure reports in the application's log: bugs at ERROR with their stack, what a peer or a close causes at DEBUG. */
class KwikLogTest {

    private final Logger kwik = (Logger) LoggerFactory.getLogger("tech.kwik");
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private Level before;

    @BeforeEach
    void capture() {
        before = kwik.getLevel();
        kwik.setLevel(Level.DEBUG);
        events.start();
        kwik.addAppender(events);
    }

    @AfterEach
    void release() {
        kwik.detachAppender(events);
        kwik.setLevel(before);
    }

    @Test
    void anExceptionThatIsABugIsAnErrorWithItsStack() {
        AssertionError assertion = new AssertionError();
        new KwikLog().error("ServerConnection[...] aborted due to internal error", assertion);
        assertThat(events.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.ERROR);
            assertThat(event.getFormattedMessage()).contains("aborted due to internal error");
            assertThat(event.getThrowableProxy().getClassName()).isEqualTo(AssertionError.class.getName());
        });
    }

    @Test
    void anIoErrorAFailedHandshakeAndAFailureWithoutAnExceptionAreDebug() {
        KwikLog log = new KwikLog();
        log.error("IOException while receiving datagrams", new SocketException("socket closed"));
        log.error("Handshake failed with crypto error", new BadCertificateAlert("certificate validation failed"));
        log.error("Discarding packet (1200 bytes) that cannot be decrypted");
        assertThat(events.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.DEBUG, Level.DEBUG, Level.DEBUG);
    }

    @Test
    void kwiksPerPacketCategoriesStayOff() {
        KwikLog log = new KwikLog();
        log.info("packet received");
        log.warn("something kwik only warns about");
        log.recovery("probe sent");
        assertThat(events.list).isEmpty();
    }
}
