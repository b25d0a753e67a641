package io.punchline;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Timer;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * docs/ARCHITECTURE.md, "Layers and packages": the engine has no JavaFX in it, and only the window (io.punchline.ui)
 * uses a UI toolkit.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.punchline");
    }

    @Test
    void nothingOutsideTheUiPackageUsesJavaFxOrControlsFx() {
        noClasses().that().resideOutsideOfPackage("io.punchline.ui..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..")
                .check(classes);
    }

    @Test
    void theEngineAndTheLayersBelowItNeverUseTheUi() {
        noClasses().that().resideOutsideOfPackages("io.punchline.ui..", "io.punchline.cli..")
                .should().dependOnClassesThat().resideInAPackage("io.punchline.ui..")
                .check(classes);
    }

    @Test
    void theCliReachesTheWindowOnlyThroughDesktopMain() {
        noClasses().that().resideInAPackage("io.punchline.cli..")
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("io.punchline.ui..")
                        .and(DescribedPredicate.not(HasName.Predicates.name("io.punchline.ui.DesktopMain"))))
                .check(classes);
    }

    @Test
    void theUiUsesTheEngineOnlyThroughItsFacade() {
        noClasses().that().resideInAPackage("io.punchline.ui..")
                .should().dependOnClassesThat().resideInAnyPackage("io.punchline.path..", "io.punchline.nat..",
                        "io.punchline.quic..", "io.punchline.wire..", "tech.kwik.core.server..")
                .check(classes);
    }

    @Test
    void theRelayDoesNotImportPairing() {
        noClasses().that().resideInAPackage("io.punchline.relay..")
                .should().dependOnClassesThat().resideInAPackage("io.punchline.pairing..")
                .check(classes);
    }

    /**
     * {@code nat} is pure protocol logic (traversal messages, rounds, probes, the traversal state machine): time comes
     * in as an argument and what to send goes out as return values. Addresses are values, so {@code InetAddress} and
     * {@code InetSocketAddress} are allowed; sockets, channels, files, streams, Netty, threads, executors, timers and
     * clocks are not.
     */
    @Test
    void theNatPackageDoesNoIoStartsNoThreadAndReadsNoClock() {
        DescribedPredicate<JavaClass> addressValues = assignableTo(InetAddress.class)
                .or(assignableTo(SocketAddress.class));
        noClasses().that().resideInAPackage("io.punchline.nat..")
                .should().dependOnClassesThat(resideInAnyPackage("java.net..").and(DescribedPredicate.not(addressValues))
                        .as("are in java.net but are not addresses"))
                .orShould().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio.channels..",
                        "java.nio.file..", "io.netty..", "java.util.concurrent..")
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .orShould().dependOnClassesThat().areAssignableTo(Timer.class)
                .orShould().dependOnClassesThat().areAssignableTo(InstantSource.class)
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Instant.class, "now")
                .check(classes);
    }
}
