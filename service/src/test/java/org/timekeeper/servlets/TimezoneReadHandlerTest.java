package org.timekeeper.servlets;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which raw request paths the handler answers itself; every other one goes on to the servlet. */
class TimezoneReadHandlerTest {

    @Test
    void plainNamesAndTheirTextFormAreAnsweredByTheHandler() {
        assertThat(List.of("/api/timezone", "/api/timezone.txt", "/api/timezone/Europe", "/api/timezone/Europe/London",
                "/api/timezone/America/New_York.txt", "/api/timezone/Etc/GMT+5", "/api/timezone/America/Port-au-Prince",
                "/api/timezone/america/argentina/buenos_aires"))
                .allMatch(TimezoneReadHandler::isPlainRead);
    }

    @Test
    void pathsTheServletLayerWouldDecodeNormaliseOrRejectGoOnToIt() {
        assertThat(List.of("/api/timezonefoo", "/api/timezonefoo.txt", "/api/timezon", "/API/timezone",
                "/api/timezone/Europe/%4Condon", "/api/timezone/Europe//London", "/api/timezone/./Europe",
                "/api/timezone/../info", "/api/timezone/Europe;x=1", "/api/timezone/Europe/London.json",
                "/api/timezone/Europe.txt.txt"))
                .noneMatch(TimezoneReadHandler::isPlainRead);
    }

    @Test
    void everyCharacterOutsideTzNamesAndTheSlashGoesOnToTheServlet() {
        for (char c = 0; c < 0x250; c++) {
            final boolean answeredHere = TimezoneReadHandler.isPlainRead("/api/timezone/Europe/Lon" + c + "don");
            assertThat(answeredHere).as("U+%04X", (int) c).isEqualTo(ZoneNames.isNameCharacter(c) || c == '/');
        }
    }
}
