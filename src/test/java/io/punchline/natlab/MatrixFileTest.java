package io.punchline.natlab;

import org.junit.jupiter.api.Test;

import static io.punchline.natlab.HardNatMatrixTest.HARD_SECTION;
import static io.punchline.natlab.Ipv6MatrixTest.IPV6_SECTION;
import static io.punchline.natlab.MatrixFile.MAIN;
import static io.punchline.natlab.PortMappingLabTest.PORT_MAPPING_SECTION;
import static org.assertj.core.api.Assertions.assertThat;

class MatrixFileTest {

    private static final String MAIN_TEXT = "# NAT matrix\n\n| a | b |\n|---|---|\n";
    private static final String HARD_TEXT = HARD_SECTION + "\n\nhard table\n";
    private static final String IPV6_TEXT = IPV6_SECTION + "\n\nipv6 table\n";
    private static final String ALL = MAIN_TEXT + "\n" + HARD_TEXT + "\n" + IPV6_TEXT;

    @Test
    void eachPartWrittenIntoAnEmptyFileStandsAlone() {
        assertThat(MatrixFile.replace("", MAIN, MAIN_TEXT)).isEqualTo(MAIN_TEXT);
        assertThat(MatrixFile.replace("", HARD_SECTION, HARD_TEXT)).isEqualTo(HARD_TEXT);
        assertThat(MatrixFile.replace("", IPV6_SECTION, IPV6_TEXT)).isEqualTo(IPV6_TEXT);
    }

    @Test
    void allThreePartsCoexistWhicheverIsWrittenFirst() {
        String[][] orders = {
                {MAIN, HARD_SECTION, IPV6_SECTION}, {IPV6_SECTION, HARD_SECTION, MAIN}, {HARD_SECTION, IPV6_SECTION, MAIN},
                {IPV6_SECTION, MAIN, HARD_SECTION}};
        for (String[] order : orders) {
            String file = "";
            for (String part : order) {
                file = MatrixFile.replace(file, part, text(part));
            }
            assertThat(file).as("written in the order %s", String.join(", ", order)).isEqualTo(ALL);
        }
    }

    @Test
    void rewritingOnePartKeepsTheOthersAsTheyWere() {
        String newMain = "# NAT matrix\n\nnew main\n";
        assertThat(MatrixFile.replace(ALL, MAIN, newMain)).isEqualTo(newMain + "\n" + HARD_TEXT + "\n" + IPV6_TEXT);
        String newHard = HARD_SECTION + "\n\nnew hard\n\n\n";
        assertThat(MatrixFile.replace(ALL, HARD_SECTION, newHard))
                .isEqualTo(MAIN_TEXT + "\n" + HARD_SECTION + "\n\nnew hard\n" + "\n" + IPV6_TEXT);
        String newIpv6 = IPV6_SECTION + "\n\nnew ipv6\n";
        assertThat(MatrixFile.replace(ALL, IPV6_SECTION, newIpv6)).isEqualTo(MAIN_TEXT + "\n" + HARD_TEXT + "\n" + newIpv6);
    }

    @Test
    void aFileOfTheTwoOlderPartsKeepsThemAndGainsTheIpv6Section() {
        String old = MAIN_TEXT + "\n" + HARD_TEXT; // as NatMatrixTest and HardNatMatrixTest wrote it before
        assertThat(MatrixFile.replace(old, IPV6_SECTION, IPV6_TEXT)).isEqualTo(ALL);
        assertThat(MatrixFile.replace(old, MAIN, MAIN_TEXT)).isEqualTo(old);
        assertThat(MatrixFile.replace(old, HARD_SECTION, HARD_TEXT)).isEqualTo(old);
    }

    @Test
    void thePortMappingSectionComesLastAndTheOthersKeepTheirPlaceAroundIt() {
        String mapping = PORT_MAPPING_SECTION + "\n\nport mapping table\n";
        String withMapping = MatrixFile.replace(ALL, PORT_MAPPING_SECTION, mapping);
        assertThat(withMapping).isEqualTo(ALL + "\n" + mapping);
        String first = MatrixFile.replace(MatrixFile.replace("", PORT_MAPPING_SECTION, mapping), IPV6_SECTION, IPV6_TEXT);
        assertThat(first).as("written before the IPv6 section").isEqualTo(IPV6_TEXT + "\n" + mapping);
        assertThat(MatrixFile.replace(withMapping, HARD_SECTION, HARD_TEXT)).isEqualTo(withMapping);
    }

    @Test
    void aHeadingInsideAnotherPartsTextIsNotASection() {
        String file = MAIN_TEXT + "text mentioning " + HARD_SECTION + " inline\n";
        assertThat(MatrixFile.parts(file).get(MAIN)).isEqualTo(file);
        assertThat(MatrixFile.parts(file).get(HARD_SECTION)).isEmpty();
    }

    private static String text(String part) {
        return part.equals(MAIN) ? MAIN_TEXT : part.equals(HARD_SECTION) ? HARD_TEXT : IPV6_TEXT;
    }
}
