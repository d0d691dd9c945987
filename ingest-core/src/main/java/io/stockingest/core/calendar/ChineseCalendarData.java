package io.stockingest.core.calendar;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Data of the Chinese calendars: the Shanghai Stock Exchange's closed weekdays as published year by year, and the
 * Gregorian dates of the lunisolar festivals and the Qingming solar term. Immutable and thread-safe.
 *
 * <p>Source: pandas_market_calendars {@code pandas_market_calendars/holidays/cn.py} (commit
 * 966ffb32b988e5c64835fe184996c3826a8963b2): {@code all_holidays} (the SSE's closures, from its yearly notices) and
 * {@code sf_mapping} (Spring Festival, the first day of the first lunar month), {@code tsd_mapping} (Qingming),
 * {@code dbf_mapping} (Dragon Boat, 5th day of the 5th month), {@code maf_mapping} (Mid-Autumn, 15th of the 8th),
 * {@code bsd_mapping} (Buddha's Birthday, 8th of the 4th), {@code dnf_mapping} (Double Ninth, 9th of the 9th),
 * 2005-2099. Checked day by day against exchange_calendars' own records of XSHG and XHKG (see the tests).
 */
final class ChineseCalendarData {
    /** The last year whose SSE closures are published here. */
    static final int SSE_PUBLISHED_THROUGH = 2026;
    /** The last year the festival tables reach. */
    static final int FESTIVALS_THROUGH = 2099;

    /** SSE closures on weekdays, by year: "MM-DD" each. */
    private static final String[] SSE_CLOSED = {
        /* 2005 */ "01-03 02-07 02-08 02-09 02-10 02-11 02-14 02-15 05-02 05-03 05-04 05-05 05-06 10-03 10-04 10-05 10-06 10-07",
        /* 2006 */ "01-02 01-03 01-26 01-27 01-30 01-31 02-01 02-02 02-03 05-01 05-02 05-03 05-04 05-05 10-02 10-03 10-04 10-05 10-06",
        /* 2007 */ "01-01 01-02 01-03 02-19 02-20 02-21 02-22 02-23 05-01 05-02 05-03 05-04 05-07 10-01 10-02 10-03 10-04 10-05 12-31",
        /* 2008 */ "01-01 02-06 02-07 02-08 02-11 02-12 04-04 05-01 05-02 06-09 09-15 09-29 09-30 10-01 10-02 10-03",
        /* 2009 */ "01-01 01-02 01-26 01-27 01-28 01-29 01-30 04-06 05-01 05-28 05-29 10-01 10-02 10-05 10-06 10-07 10-08",
        /* 2010 */ "01-01 02-15 02-16 02-17 02-18 02-19 04-05 05-03 06-14 06-15 06-16 09-22 09-23 09-24 10-01 10-04 10-05 10-06 10-07",
        /* 2011 */ "01-03 02-02 02-03 02-04 02-07 02-08 04-04 04-05 05-02 06-06 09-12 10-03 10-04 10-05 10-06 10-07",
        /* 2012 */ "01-02 01-03 01-23 01-24 01-25 01-26 01-27 04-02 04-03 04-04 04-30 05-01 06-22 10-01 10-02 10-03 10-04 10-05",
        /* 2013 */ "01-01 01-02 01-03 02-11 02-12 02-13 02-14 02-15 04-04 04-05 04-29 04-30 05-01 06-10 06-11 06-12 09-19 09-20 10-01 10-02 10-03 10-04 10-07",
        /* 2014 */ "01-01 01-31 02-03 02-04 02-05 02-06 04-07 05-01 05-02 06-02 09-08 10-01 10-02 10-03 10-06 10-07",
        /* 2015 */ "01-01 01-02 02-18 02-19 02-20 02-23 02-24 04-06 05-01 06-22 09-03 09-04 10-01 10-02 10-05 10-06 10-07",
        /* 2016 */ "01-01 02-08 02-09 02-10 02-11 02-12 04-04 05-02 06-09 06-10 09-15 09-16 10-03 10-04 10-05 10-06 10-07",
        /* 2017 */ "01-02 01-27 01-30 01-31 02-01 02-02 04-03 04-04 05-01 05-29 05-30 10-02 10-03 10-04 10-05 10-06",
        /* 2018 */ "01-01 02-15 02-16 02-19 02-20 02-21 04-05 04-06 04-30 05-01 06-18 09-24 10-01 10-02 10-03 10-04 10-05 12-30 12-31",
        /* 2019 */ "01-01 02-04 02-05 02-06 02-07 02-08 02-09 02-10 04-05 05-01 05-02 05-03 06-07 09-13 10-01 10-02 10-03 10-04 10-05 10-06 10-07",
        /* 2020 */ "01-01 01-24 01-27 01-28 01-29 01-30 01-31 04-06 05-01 05-04 05-05 06-25 06-26 10-01 10-02 10-05 10-06 10-07 10-08",
        /* 2021 */ "01-01 02-11 02-12 02-15 02-16 02-17 04-05 05-03 05-04 05-05 06-14 09-20 09-21 10-01 10-04 10-05 10-06 10-07",
        /* 2022 */ "01-03 01-31 02-01 02-02 02-03 02-04 04-04 04-05 05-02 05-03 05-04 06-03 09-12 10-03 10-04 10-05 10-06 10-07",
        /* 2023 */ "01-02 01-23 01-24 01-25 01-26 01-27 04-05 05-01 05-02 05-03 06-22 06-23 09-29 10-02 10-03 10-04 10-05 10-06",
        /* 2024 */ "01-01 02-09 02-12 02-13 02-14 02-15 02-16 04-04 04-05 05-01 05-02 05-03 06-10 09-16 09-17 10-01 10-02 10-03 10-04 10-07",
        /* 2025 */ "01-01 01-28 01-29 01-30 01-31 02-03 02-04 04-04 04-05 05-01 05-02 05-05 06-02 10-01 10-02 10-03 10-06 10-07 10-08",
        /* 2026 */ "01-01 01-02 02-16 02-17 02-18 02-19 02-20 02-23 04-06 05-01 05-04 05-05 06-19 09-25 10-01 10-02 10-05 10-06 10-07",
    };
    /** Spring Festival (Chinese New Year), 2005-2099: "MM-DD" by year from 2005. */
    private static final String SPRING_FESTIVAL_DATES = "02-09 01-29 02-18 02-07 01-26 02-14 02-03 01-23 02-10 01-31 "
            + "02-19 02-08 01-28 02-16 02-05 01-25 02-12 02-01 01-22 02-10 "
            + "01-29 02-17 02-06 01-26 02-13 02-03 01-23 02-11 01-31 02-19 "
            + "02-08 01-28 02-15 02-04 01-24 02-12 02-01 01-22 02-10 01-30 "
            + "02-17 02-06 01-26 02-14 02-02 01-23 02-11 02-01 02-19 02-08 "
            + "01-28 02-15 02-04 01-24 02-12 02-02 01-21 02-09 01-29 02-17 "
            + "02-05 01-26 02-14 02-03 01-23 02-11 01-31 02-19 02-07 01-27 "
            + "02-15 02-05 01-24 02-12 02-02 01-22 02-09 01-29 02-17 02-06 "
            + "01-26 02-14 02-03 01-24 02-10 01-30 02-18 02-07 01-27 02-15 "
            + "02-05 01-25 02-12 02-01 01-21";
    /** Qingming (Tomb-Sweeping Day), 2005-2099: "MM-DD" by year from 2005. */
    private static final String QINGMING_DATES = "04-05 04-05 04-05 04-04 04-04 04-05 04-05 04-04 04-04 04-05 "
            + "04-05 04-04 04-04 04-05 04-05 04-04 04-04 04-05 04-05 04-04 "
            + "04-04 04-05 04-05 04-04 04-04 04-05 04-05 04-04 04-04 04-05 "
            + "04-05 04-04 04-04 04-05 04-05 04-04 04-04 04-04 04-05 04-04 "
            + "04-04 04-04 04-05 04-04 04-04 04-04 04-05 04-04 04-04 04-04 "
            + "04-05 04-04 04-04 04-04 04-05 04-04 04-04 04-04 04-05 04-04 "
            + "04-04 04-04 04-05 04-04 04-04 04-04 04-05 04-04 04-04 04-04 "
            + "04-04 04-04 04-04 04-04 04-04 04-04 04-04 04-04 04-04 04-04 "
            + "04-04 04-04 04-04 04-04 04-04 04-04 04-04 04-04 04-04 04-04 "
            + "04-04 04-04 04-04 04-04 04-04";
    /** Dragon Boat Festival (Tuen Ng), 2005-2099: "MM-DD" by year from 2005. */
    private static final String DRAGON_BOAT_DATES = "06-11 05-31 06-19 06-08 05-28 06-16 06-06 06-23 06-12 06-02 "
            + "06-20 06-09 05-30 06-18 06-07 06-25 06-14 06-03 06-22 06-10 "
            + "05-31 06-19 06-09 05-28 06-16 06-05 06-24 06-12 06-01 06-20 "
            + "06-10 05-30 06-18 06-07 05-27 06-14 06-03 06-22 06-11 05-31 "
            + "06-19 06-08 05-29 06-15 06-04 06-23 06-13 06-01 06-20 06-10 "
            + "05-30 06-17 06-06 06-25 06-14 06-03 06-22 06-11 06-01 06-19 "
            + "06-08 05-28 06-16 06-04 06-23 06-13 06-02 06-20 06-10 05-30 "
            + "06-17 06-06 06-24 06-14 06-04 06-22 06-11 06-01 06-19 06-07 "
            + "05-27 06-15 06-05 06-23 06-13 06-02 06-21 06-09 05-29 06-17 "
            + "06-06 06-24 06-14 06-04 06-23";
    /** Mid-Autumn Festival, 2005-2099: "MM-DD" by year from 2005. */
    private static final String MID_AUTUMN_DATES = "09-18 10-06 09-25 09-14 10-03 09-22 09-12 09-30 09-19 09-08 "
            + "09-27 09-15 10-04 09-24 09-13 10-01 09-21 09-10 09-29 09-17 "
            + "10-06 09-25 09-15 10-03 09-22 09-12 10-01 09-19 09-08 09-27 "
            + "09-16 10-04 09-24 09-13 10-02 09-20 09-10 09-28 09-17 10-05 "
            + "09-25 09-15 10-04 09-22 09-11 09-30 09-19 09-07 09-26 09-16 "
            + "10-05 09-24 09-13 10-02 09-21 09-09 09-28 09-17 10-06 09-25 "
            + "09-15 10-03 09-23 09-11 09-29 09-19 09-08 09-26 09-16 10-05 "
            + "09-24 09-12 10-01 09-20 09-10 09-28 09-17 10-06 09-26 09-14 "
            + "10-03 09-22 09-11 09-29 09-18 09-08 09-27 09-16 10-05 09-24 "
            + "09-13 09-30 09-20 09-09 09-29";
    /** Buddha's Birthday, 2005-2099: "MM-DD" by year from 2005. */
    private static final String BUDDHAS_BIRTHDAY_DATES = "05-15 05-05 05-24 05-12 05-02 05-21 05-10 04-28 05-17 05-06 "
            + "05-25 05-14 05-03 05-22 05-12 04-30 05-19 05-08 05-26 05-15 "
            + "05-05 05-24 05-13 05-02 05-20 05-09 05-28 05-16 05-06 05-25 "
            + "05-15 05-03 05-22 05-11 04-30 05-18 05-07 05-26 05-16 05-05 "
            + "05-24 05-13 05-02 05-20 05-09 05-28 05-17 05-06 05-25 05-15 "
            + "05-04 05-22 05-11 04-30 05-19 05-07 05-26 05-16 05-05 05-23 "
            + "05-12 05-01 05-20 05-09 04-28 05-17 05-07 05-25 05-14 05-03 "
            + "05-22 05-10 04-30 05-19 05-08 05-26 05-16 05-05 05-24 05-12 "
            + "05-01 05-20 05-10 04-28 05-17 05-07 05-25 05-13 05-03 05-21 "
            + "05-11 04-30 05-19 05-08 05-27";
    /** Double Ninth (Chung Yeung), 2005-2099: "MM-DD" by year from 2005. */
    private static final String DOUBLE_NINTH_DATES = "10-11 10-30 10-19 10-07 10-26 10-16 10-05 10-23 10-13 10-02 "
            + "10-21 10-09 10-28 10-17 10-07 10-25 10-14 10-04 10-23 10-11 "
            + "10-29 10-18 10-08 10-26 10-16 10-05 10-24 10-12 10-01 10-20 "
            + "10-09 10-27 10-17 10-07 10-26 10-14 10-03 10-22 10-11 10-29 "
            + "10-18 10-08 10-27 10-16 10-05 10-24 10-13 10-30 10-20 10-09 "
            + "10-28 10-17 10-06 10-25 10-14 10-02 10-21 10-11 10-30 10-18 "
            + "10-08 10-27 10-16 10-04 10-23 10-12 10-31 10-20 10-09 10-28 "
            + "10-18 10-06 10-25 10-14 10-03 10-21 10-11 10-30 10-19 10-08 "
            + "10-27 10-16 10-05 10-22 10-12 10-31 10-21 10-09 10-28 10-17 "
            + "10-06 10-24 10-13 10-03 10-22";

    private static final Set<LocalDate> SSE = new HashSet<>();
    private static final Map<String, Map<Integer, LocalDate>> FESTIVALS = new HashMap<>();

    static {
        for (int i = 0; i < SSE_CLOSED.length; i++) {
            int year = 2005 + i;
            for (String mmdd : SSE_CLOSED[i].split(" ")) {
                SSE.add(LocalDate.parse(year + "-" + mmdd));
            }
        }

        FESTIVALS.put("SPRING_FESTIVAL", byYear(SPRING_FESTIVAL_DATES));
        FESTIVALS.put("QINGMING", byYear(QINGMING_DATES));
        FESTIVALS.put("DRAGON_BOAT", byYear(DRAGON_BOAT_DATES));
        FESTIVALS.put("MID_AUTUMN", byYear(MID_AUTUMN_DATES));
        FESTIVALS.put("BUDDHAS_BIRTHDAY", byYear(BUDDHAS_BIRTHDAY_DATES));
        FESTIVALS.put("DOUBLE_NINTH", byYear(DOUBLE_NINTH_DATES));
    }

    private ChineseCalendarData() {}

    private static Map<Integer, LocalDate> byYear(String dates) {
        Map<Integer, LocalDate> out = new HashMap<>();
        String[] mmdd = dates.split(" ");
        for (int i = 0; i < mmdd.length; i++) {
            out.put(2005 + i, LocalDate.parse((2005 + i) + "-" + mmdd[i]));
        }
        return Map.copyOf(out);
    }

    /** Whether the SSE announced {@code date} (a weekday of a published year) closed. */
    static boolean sseClosed(LocalDate date) {
        return SSE.contains(date);
    }

    static LocalDate springFestival(int year) {
        return FESTIVALS.get("SPRING_FESTIVAL").get(year);
    }

    static LocalDate qingming(int year) {
        return FESTIVALS.get("QINGMING").get(year);
    }

    static LocalDate dragonBoat(int year) {
        return FESTIVALS.get("DRAGON_BOAT").get(year);
    }

    static LocalDate midAutumn(int year) {
        return FESTIVALS.get("MID_AUTUMN").get(year);
    }

    static LocalDate buddhasBirthday(int year) {
        return FESTIVALS.get("BUDDHAS_BIRTHDAY").get(year);
    }

    static LocalDate doubleNinth(int year) {
        return FESTIVALS.get("DOUBLE_NINTH").get(year);
    }

}
