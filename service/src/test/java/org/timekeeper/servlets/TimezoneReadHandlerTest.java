package org.timekeeper.servlets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which raw request paths the handler answers itself; every other one goes on to the servlet. */
class TimezoneReadHandlerTest {

    @Test
    void plainNamesAndTheirTextFormAreAnsweredByTheHandler() {
        assertThat(TimezoneReadHandler.isPlainRead("/api/timezone")).isTrue();
        assertThat(TimezoneReadHandler.isPlainRead("/api/timezone.txt")).isTrue();
        assertThat(TimezoneReadHandler.isPlainRead("/api/timezone/Europe")).isTrue();
        assertThat(TimezoneReadHandler.isPlainRead("/api/timezone/Europe/London")).isTrue();
        assertThat(TimezoneReadHandler.isPlainRead("/api/timezone/America/New_York.txt")).isTrue();
        assertThat(TimezoneReadHandler.isPlainRead("/api/timezone/Etc/GMT+5")).isTrue();
        assertThat(TimezoneReadHandler.isPlainRead("/api/timezone/America/Port-au-Prince")).isTrue();
        assertThat(TimezoneReadHandler.isPlainRead("/api/timezone/america/argentina/buenos_aires")).isTrue();
    }

    @Test
    void pathsTheServletLayerWouldDecodeNormaliseOrRejectGoOnToIt() {
        assertThat(TimezoneReadHandler.isPlainRead("/api/timezonefoo")).isFalse();
        assertThat(TimezoneReadHandler.isPlainRead("/api/timezonefoo.txt")).isFalse();
        assertThat(TimezoneReadHandler.isPlainRead("/api/timezon")).isFalse();
        assertThat(TimezoneReadHandler.isPlainRead("/API/timezone")).isFalse();
        assertThat(TimezoneReadHandler.isPlainRead("/api/timezone/Europe/%4Condon")).isFalse();
        assertThat(TimezoneReadHandler.isPlainRead("/api/timezone/Europe//London")).isFalse();
        assertThat(TimezoneReadHandler.isPlainRead("/api/timezone/./Europe")).isFalse();
        assertThat(TimezoneReadHandler.isPlainRead("/api/timezone/../info")).isFalse();
        assertThat(TimezoneReadHandler.isPlainRead("/api/timezone/Europe;x=1")).isFalse();
        assertThat(TimezoneReadHandler.isPlainRead("/api/timezone/Europe/London.json")).isFalse();
        assertThat(TimezoneReadHandler.isPlainRead("/api/timezone/Europe.txt.txt")).isFalse();
    }

    @Test
    void everyCharacterOutsideTzNamesAndTheSlashGoesOnToTheServlet() {
        for (char c = 0; c < 0x250; c++) {
            final boolean answeredHere = TimezoneReadHandler.isPlainRead("/api/timezone/Europe/Lon" + c + "don");
            assertThat(answeredHere).as("U+%04X", (int) c).isEqualTo(ZoneNames.isNameCharacter(c) || c == '/');
        }
    }
}
