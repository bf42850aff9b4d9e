"""APA 7 references for every entry type the style formats (peninsula.works.apa).

Each row is an example of the APA Publication Manual, 7th edition: its
chapter 10 (reference examples by category), its chapter 11 (legal
references) and chapter 8 (in-text citations). The comment on each names
the section and example; the BibTeX is how an editor writes that work in
refs.bib. Expected strings are the Manual's, except where a comment says
otherwise. Markup (italics) is asserted on the HTML and LaTeX output.
"""

from __future__ import annotations

import pytest
from apa_forms import cite, reference
from peninsula.works import apa
from pybtex.database import parse_string

BIB = r"""
% -- 10.1 Periodicals -------------------------------------------------------
@article{grady2019emotions,
  author = {Grady, Jessica Stoltzfus and Her, Malina and Moreno, Geena and Perez, Catherine and Yelinek, Jillian},
  title = {Emotions in Storybooks: A Comparison of Storybooks That Represent Ethnic and Racial Groups in the {United States}},
  journaltitle = {Psychology of Popular Media Culture}, volume = {8}, number = {3},
  pages = {207--217}, date = {2019}, doi = {10.1037/ppm0000185},
}
@article{jerrentrup2018teaching,
  author = {Jerrentrup, A. and Mueller, T. and Glowalla, U. and Herder, M. and Henrichs, N. and Neubauer, A. and Schaefer, J. R.},
  title = {Teaching Medicine with the Help of “{Dr. House}.”},
  journal = {PLoS ONE}, volume = {13}, number = {3}, eid = {e0193972}, date = {2018},
  doi = {10.1371/journal.pone.0193972},
}
@article{pachurndunpacking,
  author = {Pachur, T. and Scheibehenne, B.},
  title = {Unpacking Buyer-Seller Differences in Valuation from Experience: A Cognitive Modeling Approach},
  journal = {Psychonomic Bulletin \& Review}, pubstate = {inpress},
}
@article{carey2019forgetting,
  author = {Carey, B.}, title = {Can We Get Better at Forgetting?},
  journal = {The New York Times}, date = {2019-03-22},
  url = {https://www.nytimes.com/2019/03/22/health/memory-forgetting-psychology.html},
}
% -- 10.2 Books ---------------------------------------------------------------
@book{sapolsky2017behave,
  author = {Sapolsky, Robert M.},
  title = {Behave: The Biology of Humans at Our Best and Worst},
  publisher = {Penguin Books}, location = {New York}, date = {2017},
}
@book{piaget1969psychology,
  author = {Piaget, Jean and Inhelder, B\"arbel},
  title = {The Psychology of the Child}, translator = {Weaver, H.}, edition = {2},
  publisher = {Basic Books}, date = {1969}, origdate = {1966},
}
@book{freud2010interpretation,
  author = {Freud, S.},
  title = {The Interpretation of Dreams: The Complete and Definitive Text},
  editor = {Strachey, J.}, translator = {Strachey, J.},
  publisher = {Basic Books}, year = {2010}, origdate = {1900},
}
@collection{kesharwani2020nanotechnology,
  editor = {Kesharwani, P.},
  title = {Nanotechnology Based Approaches for Tuberculosis Treatment},
  publisher = {Academic Press}, date = {2020},
}
@book{harris2012educational,
  editor = {Harris, K. R. and Graham, S. and Urdan, T.},
  title = {{APA} Educational Psychology Handbook}, volumes = {3},
  publisher = {American Psychological Association}, date = {2012},
}
% -- 10.3 Chapters ------------------------------------------------------------
@incollection{aron2019culinary,
  author = {Aron, L. and Botella, M. and Lubart, T.},
  title = {Culinary Arts: Talent and Their Development},
  editor = {Subotnik, R. F. and Olszewski-Kubilius, P. and Worrell, F. C.},
  booktitle = {The Psychology of High Performance: Developing Human Potential into Domain-Specific Talent},
  pages = {345--359}, publisher = {American Psychological Association}, date = {2019},
  doi = {10.1037/0000120-016},
}
@inbook{freud1961ego,
  author = {Freud, S.}, title = {The Ego and the Id},
  editor = {Strachey, J.}, translator = {Strachey, J.},
  booktitle = {The Standard Edition of the Complete Psychological Works of {Sigmund Freud}},
  volume = {19}, pages = {3--66}, publisher = {Hogarth Press}, date = {1961}, origdate = {1923},
}
@incollection{piaget1988extracts,
  author = {Piaget, J.}, title = {Extracts from {Piaget's} Theory},
  translator = {Gellerier, G. and Langer, J.}, editor = {Richardson, K. and Sheldon, S.},
  booktitle = {Cognitive Development to Adolescence: A Reader},
  pages = {3--18}, publisher = {Erlbaum}, date = {1988}, origdate = {1970},
}
% -- 10.4 Reports ---------------------------------------------------------------
@report{national2019taking,
  author = {{National Cancer Institute}},
  title = {Taking Time: Support for People with Cancer},
  type = {NIH Publication}, number = {18-2059},
  institution = {U.S. Department of Health and Human Services, National Institutes of Health},
  date = {2019},
}
@techreport{stuster2018mars,
  author = {Stuster, J. and Adolf, J. and Byrne, V. and Greene, M.},
  title = {Human Exploration of {Mars}: Preliminary Lists of Crew Tasks},
  number = {NASA/CR-2018-220043},
  institution = {National Aeronautics and Space Administration}, year = {2018},
}
@report{unsc2006resolution,
  author = {{United Nations Security Council}}, shortauthor = {UNSC},
  title = {Resolution 1718 (2006)}, number = {S/RES/1718}, date = {2006-10-14},
  url = {https://undocs.org/S/RES/1718(2006)},
}
@report{united2015transforming,
  author = {{United Nations General Assembly}},
  title = {Transforming Our World: The 2030 Agenda for Sustainable Development},
  type = {Resolution}, number = {A/RES/70/1}, date = {2015-10-21},
}
% -- 10.5 Conference sessions and proceedings -------------------------------------
@unpublished{evans2019gun,
  author = {Evans, Jr., A. C. and Garbarino, J. and Bocanegra, E. and Kinscherff, R. T. and M\'arquez-Greene, N.},
  title = {Gun Violence: An Event on the Power of Community},
  eventtitle = {{APA} 2019 Convention}, venue = {Chicago, IL, United States},
  date = {2019-08-08}, eventdate = {2019-08-08/2019-08-11},
  url = {https://convention.apa.org/2019-video},
}
@proceedings{kushilevitz2016theory,
  editor = {Kushilevitz, E. and Malkin, T.},
  maintitle = {Lecture Notes in Computer Science}, volume = {9562},
  title = {Theory of Cryptography}, publisher = {Springer}, date = {2016},
  doi = {10.1007/978-3-662-49096-9},
}
@inproceedings{nguyen2020shared,
  author = {Nguyen, T. and Ortiz, M.},
  title = {Shared Attention in Remote Classrooms},
  editor = {Lee, J.}, booktitle = {Proceedings of the 2020 Conference on Learning at Scale},
  pages = {12--20}, publisher = {Association for Computing Machinery}, date = {2020},
}
% -- 10.6 Dissertations and theses ---------------------------------------------------
@phdthesis{harris2014instructional,
  author = {Harris, L.},
  title = {Instructional Leadership Perceptions and Practices of Elementary School Leaders},
  school = {University of Virginia}, date = {2014},
}
@phdthesis{hollander2017resistance,
  author = {Hollander, M. M.},
  title = {Resistance to Authority: Methodological Innovations and New Lessons from the {Milgram} Experiment},
  number = {10289373}, school = {University of Wisconsin--Madison},
  publisher = {ProQuest Dissertations and Theses Global}, date = {2017},
}
@mastersthesis{hutcheson2012dealing,
  author = {Hutcheson, V. H.},
  title = {Dealing with Dual Differences: Social Coping Strategies of Gifted and Lesbian, Gay, Bisexual, Transgender, and Queer Adolescents},
  school = {The College of William \& Mary}, publisher = {William \& Mary Digital Archive},
  date = {2012}, url = {https://digitalarchive.wm.edu/handle/10288/16594},
}
@thesis{kabir2016factors,
  author = {Kabir, J. M.},
  title = {Factors Influencing Customer Satisfaction at a Fast Food Hamburger Chain: The Relationship between Customer Satisfaction and Customer Loyalty},
  type = {phdthesis}, number = {10169573}, institution = {Wilmington University},
  publisher = {ProQuest Dissertations and Theses Global}, date = {2016},
}
% -- 10.8 Unpublished and informally published works ---------------------------------
@unpublished{yoo2016linking,
  author = {Yoo, J. and Miyamoto, Y. and Rigotti, A. and Ryff, C.},
  title = {Linking Positive Affect to Blood Lipids: A Cultural Perspective},
  institution = {Department of Psychology, University of Wisconsin--Madison}, date = {2016},
}
@unpublished{dayanim2015infants,
  author = {Dayanim, S. and Namy, L. L.}, title = {Infants Learn Baby Signs from Video},
  pubstate = {submitted}, institution = {Department of Psychology, Emory University},
  date = {2015},
}
@misc{leuker2020money,
  author = {Leuker, C. and Samartzidis, L. and Hertwig, R. and Pleskac, T. J.},
  title = {When Money Talks: Judging Risk and Coercion in High-Paying Clinical Trials},
  publisher = {PsyArXiv}, date = {2020}, doi = {10.17605/OSF.IO/9P7CB},
}
% -- 10.4 and 10.16 Web pages, press releases, codes --------------------------------
@misc{food2019authorizes,
  author = {{U.S. Food and Drug Administration}},
  title = {{FDA} Authorizes First Interoperable Insulin Pump Intended to Allow Patients to Customize Treatment through Their Individual Diabetes Management Devices},
  type = {Press release}, date = {2019-02-14},
  url = {https://www.fda.gov/news-events/press-announcements/fda-authorizes-first-interoperable-insulin-pump},
}
@online{bologna2019anxiety,
  author = {Bologna, C.},
  title = {Why Some People with Anxiety Love Watching Horror Movies},
  organization = {HuffPost}, date = {2019-10-31},
  url = {https://www.huffpost.com/entry/anxiety-love-watching-horror-movies_l_5d277587e4b02a5a5d57b59e},
}
@online{who2018top,
  author = {{World Health Organization}}, shortauthor = {WHO},
  title = {The Top 10 Causes of Death}, organization = {World Health Organization},
  date = {2018-05-24},
  url = {https://www.who.int/news-room/fact-sheets/detail/the-top-10-causes-of-death},
}
@online{censusndclock,
  author = {{U.S. Census Bureau}}, title = {{U.S.} and World Population Clock},
  organization = {U.S. Department of Commerce}, urldate = {2019-07-03},
  url = {https://www.census.gov/popclock/},
}
@manual{american2014code,
  author = {{American Counseling Association}}, title = {2014 {ACA} Code of Ethics},
  organization = {American Counseling Association}, date = {2014},
  url = {https://www.counseling.org/resources/aca-code-of-ethics.pdf},
}
% -- Chapter 11 Legal references ----------------------------------------------------
@jurisdiction{brown1954board,
  title = {Brown v. Board of Education}, number = {347 U.S. 483}, date = {1954},
}
@jurisdiction{daubert1995merrell,
  title = {Daubert v. Merrell Dow Pharmaceuticals, Inc.}, number = {43 F.3d 1311},
  institution = {9th Cir.}, date = {1995},
}
@legislation{every2015student,
  title = {Every Student Succeeds Act}, number = {20 U.S.C. § 6301}, date = {2015},
  url = {https://www.congress.gov/bill/114th-congress/senate-bill/1177},
}
@legal{united1989convention,
  title = {United Nations Convention on the Rights of the Child}, date = {1989-11-20},
  url = {https://www.ohchr.org/en/professionalinterest/pages/crc.aspx},
}
@legal{charter1945united,
  title = {Charter of the United Nations}, shorttitle = {U.N. Charter},
  date = {1945-06-26}, number = {1 U.N.T.S. XVI},
}
"""


@pytest.fixture(scope="module")
def entries():
    return parse_string(BIB, "bibtex").entries


@pytest.fixture(scope="module")
def labels(entries):
    return apa.label_works(list(entries.values()))


REFERENCES = {
    # 10.1 #1: journal article with a DOI; journal and volume italic, issue roman
    "grady2019emotions": "Grady, J. S., Her, M., Moreno, G., Perez, C., & Yelinek, J. (2019). "
    "Emotions in storybooks: A comparison of storybooks that represent ethnic and racial "
    "groups in the United States. Psychology of Popular Media Culture, 8(3), 207–217. "
    "https://doi.org/10.1037/ppm0000185",
    # 10.1 #4: article number (eid); the period goes inside the closing quotation mark
    "jerrentrup2018teaching": "Jerrentrup, A., Mueller, T., Glowalla, U., Herder, M., "
    "Henrichs, N., Neubauer, A., & Schaefer, J. R. (2018). Teaching medicine with the help "
    "of “Dr. House.” PLoS ONE, 13(3), Article e0193972. "
    "https://doi.org/10.1371/journal.pone.0193972",
    # 10.1 #7: journal article in press
    "pachurndunpacking": "Pachur, T., & Scheibehenne, B. (in press). Unpacking "
    "buyer-seller differences in valuation from experience: A cognitive modeling approach. "
    "Psychonomic Bulletin & Review.",
    # 10.1, online newspaper article: full date, no volume; a title ending in "?"
    # takes no period
    "carey2019forgetting": "Carey, B. (2019, March 22). Can we get better at forgetting? "
    "The New York Times. https://www.nytimes.com/2019/03/22/health/memory-forgetting-"
    "psychology.html",
    # 10.2 #20: authored book; the publisher's location is not given in APA 7
    "sapolsky2017behave": "Sapolsky, R. M. (2017). Behave: The biology of humans at our "
    "best and worst. Penguin Books.",
    # 10.2, translated book: translator and edition in one parenthesis
    "piaget1969psychology": "Piaget, J., & Inhelder, B. (1969). The psychology of the child "
    "(H. Weaver, Trans.; 2nd ed.). Basic Books. (Original work published 1966)",
    # 10.2, republished book: one person as editor and translator
    "freud2010interpretation": "Freud, S. (2010). The interpretation of dreams: The complete "
    "and definitive text (J. Strachey, Ed. & Trans.). Basic Books. (Original work "
    "published 1900)",
    # 10.2 #21: edited book without a DOI (@collection)
    "kesharwani2020nanotechnology": "Kesharwani, P. (Ed.). (2020). Nanotechnology based "
    "approaches for tuberculosis treatment. Academic Press.",
    # 10.2, multivolume work (volumes)
    "harris2012educational": "Harris, K. R., Graham, S., & Urdan, T. (Eds.). (2012). APA "
    "educational psychology handbook (Vols. 1–3). American Psychological Association.",
    # 10.3 #38: chapter in an edited book
    "aron2019culinary": "Aron, L., Botella, M., & Lubart, T. (2019). Culinary arts: Talent "
    "and their development. In R. F. Subotnik, P. Olszewski-Kubilius, & F. C. Worrell "
    "(Eds.), The psychology of high performance: Developing human potential into "
    "domain-specific talent (pp. 345–359). American Psychological Association. "
    "https://doi.org/10.1037/0000120-016",
    # 10.3, chapter in an edited book, republished in translation (@inbook)
    "freud1961ego": "Freud, S. (1961). The ego and the id. In J. Strachey (Ed. & Trans.), "
    "The standard edition of the complete psychological works of Sigmund Freud (Vol. 19, "
    "pp. 3–66). Hogarth Press. (Original work published 1923)",
    # 10.3, chapter in an edited book, republished in translation: the
    # translator of the chapter after its title
    "piaget1988extracts": "Piaget, J. (1988). Extracts from Piaget's theory (G. Gellerier & "
    "J. Langer, Trans.). In K. Richardson & S. Sheldon (Eds.), Cognitive development to "
    "adolescence: A reader (pp. 3–18). Erlbaum. (Original work published 1970)",
    # 10.4 #50: report by a government agency, report number with its series
    "national2019taking": "National Cancer Institute. (2019). Taking time: Support for people "
    "with cancer (NIH Publication No. 18-2059). U.S. Department of Health and Human "
    "Services, National Institutes of Health.",
    # 10.4, technical report: a @techreport's number with no type is a "Report No."
    "stuster2018mars": "Stuster, J., Adolf, J., Byrne, V., & Greene, M. (2018). Human "
    "exploration of Mars: Preliminary lists of crew tasks (Report No. "
    "NASA/CR-2018-220043). National Aeronautics and Space Administration.",
    # 10.4 pattern for a UN document: the organ as group author (and publisher,
    # so not repeated), the document symbol after the title, the year alone
    "unsc2006resolution": "United Nations Security Council. (2006). Resolution "
    "1718 (2006) (S/RES/1718). https://undocs.org/S/RES/1718(2006)",
    # the same with the document's type: a symbol takes no "No."
    "united2015transforming": "United Nations General Assembly. (2015). "
    "Transforming our world: The 2030 agenda for sustainable development (Resolution "
    "A/RES/70/1).",
    # 10.5, conference presentation: the dates of the conference, the
    # description in brackets, the conference and its place
    "evans2019gun": "Evans, A. C., Jr., Garbarino, J., Bocanegra, E., Kinscherff, R. T., & "
    "Márquez-Greene, N. (2019, August 8–11). Gun violence: An event on the power of "
    "community [Conference presentation]. APA 2019 Convention, Chicago, IL, United States. "
    "https://convention.apa.org/2019-video",
    # 10.5, conference proceedings published as a book (a volume of a series)
    "kushilevitz2016theory": "Kushilevitz, E., & Malkin, T. (Eds.). (2016). Lecture notes in "
    "computer science: Vol. 9562. Theory of cryptography. Springer. "
    "https://doi.org/10.1007/978-3-662-49096-9",
    # 10.5: a paper in published proceedings is set as a chapter in an edited
    # book (10.3 #38); the entry is made up for the form
    "nguyen2020shared": "Nguyen, T., & Ortiz, M. (2020). Shared attention in remote "
    "classrooms. In J. Lee (Ed.), Proceedings of the 2020 conference on learning at scale "
    "(pp. 12–20). Association for Computing Machinery.",
    # 10.6 #63: unpublished dissertation
    "harris2014instructional": "Harris, L. (2014). Instructional leadership perceptions and "
    "practices of elementary school leaders [Unpublished doctoral dissertation]. University "
    "of Virginia.",
    # 10.6 #64: dissertation from a database, with its publication number
    "hollander2017resistance": "Hollander, M. M. (2017). Resistance to authority: "
    "Methodological innovations and new lessons from the Milgram experiment (Publication No. "
    "10289373) [Doctoral dissertation, University of Wisconsin–Madison]. ProQuest "
    "Dissertations and Theses Global.",
    # 10.6 #65: master's thesis published online, in an archive
    "hutcheson2012dealing": "Hutcheson, V. H. (2012). Dealing with dual differences: Social "
    "coping strategies of gifted and lesbian, gay, bisexual, transgender, and queer "
    "adolescents [Master's thesis, The College of William & Mary]. William & Mary Digital "
    "Archive. https://digitalarchive.wm.edu/handle/10288/16594",
    # 10.6 #64: the same as a BibLaTeX @thesis with type = {phdthesis}
    "kabir2016factors": "Kabir, J. M. (2016). Factors influencing customer satisfaction at a "
    "fast food hamburger chain: The relationship between customer satisfaction and customer "
    "loyalty (Publication No. 10169573) [Doctoral dissertation, Wilmington University]. "
    "ProQuest Dissertations and Theses Global.",
    # 10.8: unpublished manuscript
    "yoo2016linking": "Yoo, J., Miyamoto, Y., Rigotti, A., & Ryff, C. (2016). Linking "
    "positive affect to blood lipids: A cultural perspective [Unpublished manuscript]. "
    "Department of Psychology, University of Wisconsin–Madison.",
    # 10.8: manuscript submitted for publication
    "dayanim2015infants": "Dayanim, S., & Namy, L. L. (2015). Infants learn baby signs from "
    "video [Manuscript submitted for publication]. Department of Psychology, Emory "
    "University.",
    # 10.8: informally published work, a preprint (@misc)
    "leuker2020money": "Leuker, C., Samartzidis, L., Hertwig, R., & Pleskac, T. J. (2020). "
    "When money talks: Judging risk and coercion in high-paying clinical trials. PsyArXiv. "
    "https://doi.org/10.17605/OSF.IO/9P7CB",
    # 10.4, press release: the description from type (URL shortened here)
    "food2019authorizes": "U.S. Food and Drug Administration. (2019, February 14). FDA "
    "authorizes first interoperable insulin pump intended to allow patients to customize "
    "treatment through their individual diabetes management devices [Press release]. "
    "https://www.fda.gov/news-events/press-announcements/fda-authorizes-first-"
    "interoperable-insulin-pump",
    # 10.16 #110: webpage on a news website, with no retrieval date (9.16)
    "bologna2019anxiety": "Bologna, C. (2019, October 31). Why some people with anxiety love "
    "watching horror movies. HuffPost. https://www.huffpost"
    ".com/entry/anxiety-love-watching-horror-movies_l_5d277587e4b02a5a5d57b59e",
    # 10.16 #111: group author that is also the site: the site is not repeated
    "who2018top": "World Health Organization. (2018, May 24). The top 10 causes of death. "
    "https://www.who.int/news-room/fact-sheets/detail/the-top-10-causes-of-death",
    # 10.16 #114: a page that changes, with no date: retrieval date
    "censusndclock": "U.S. Census Bureau. (n.d.). U.S. and world population clock. U.S. "
    "Department of Commerce. Retrieved July 3, 2019, from https://www.census.gov/popclock/",
    # 10.4, ethics code (@manual), author and publisher the same
    "american2014code": "American Counseling Association. (2014). 2014 ACA code of ethics. "
    "https://www.counseling.org/resources/aca-code-of-ethics.pdf",
    # ch. 11, court decisions: U.S. Supreme Court
    "brown1954board": "Brown v. Board of Education, 347 U.S. 483 (1954).",
    # ch. 11, court decisions: an appeals court, named before the year
    "daubert1995merrell": "Daubert v. Merrell Dow Pharmaceuticals, Inc., 43 F.3d 1311 "
    "(9th Cir. 1995).",
    # ch. 11, statutes: a federal statute
    "every2015student": "Every Student Succeeds Act, 20 U.S.C. § 6301 (2015). "
    "https://www.congress.gov/bill/114th-congress/senate-bill/1177",
    # ch. 11, treaties and international conventions
    "united1989convention": "United Nations Convention on the Rights of the Child, November "
    "20, 1989, https://www.ohchr.org/en/professionalinterest/pages/crc.aspx",
    # ch. 11, constitutions and charters: with its treaty series citation
    "charter1945united": "Charter of the United Nations, June 26, 1945, 1 U.N.T.S. XVI.",
}


@pytest.mark.parametrize("key", REFERENCES)
def test_reference(entries, labels, key):
    assert reference(entries, labels, key) == REFERENCES[key]


def test_every_type_is_tested(entries):
    aliases = {"conference", "booklet"}  # tested below, with an entry of their own
    assert {e.type.lower() for e in entries.values()} | aliases == set(apa.KNOWN_TYPES)


CITATIONS = {
    # 8.17: three or more authors: et al. from the first citation
    "grady2019emotions": ("(Grady et al., 2019)", "Grady et al. (2019)"),
    # 8.17: two authors, & in parentheses and "and" in the text; 10.1 #7: in press
    "pachurndunpacking": (
        "(Pachur & Scheibehenne, in press)",
        "Pachur and Scheibehenne (in press)",
    ),
    "carey2019forgetting": ("(Carey, 2019)", "Carey (2019)"),
    "sapolsky2017behave": ("(Sapolsky, 2017)", "Sapolsky (2017)"),
    # 8.15: translated and republished works, original year first
    "piaget1969psychology": ("(Piaget & Inhelder, 1966/1969)", "Piaget and Inhelder (1966/1969)"),
    "freud2010interpretation": ("(Freud, 1900/2010)", "Freud (1900/2010)"),
    "freud1961ego": ("(Freud, 1923/1961)", "Freud (1923/1961)"),
    "piaget1988extracts": ("(Piaget, 1970/1988)", "Piaget (1970/1988)"),
    # editors in the author position are cited as authors
    "kesharwani2020nanotechnology": ("(Kesharwani, 2020)", "Kesharwani (2020)"),
    "harris2012educational": ("(K. R. Harris et al., 2012)", "K. R. Harris et al. (2012)"),
    "aron2019culinary": ("(Aron et al., 2019)", "Aron et al. (2019)"),
    "national2019taking": ("(National Cancer Institute, 2019)", "National Cancer Institute (2019)"),
    "stuster2018mars": ("(Stuster et al., 2018)", "Stuster et al. (2018)"),
    "evans2019gun": ("(Evans et al., 2019)", "Evans et al. (2019)"),
    "kushilevitz2016theory": ("(Kushilevitz & Malkin, 2016)", "Kushilevitz and Malkin (2016)"),
    "nguyen2020shared": ("(Nguyen & Ortiz, 2020)", "Nguyen and Ortiz (2020)"),
    "harris2014instructional": ("(L. Harris, 2014)", "L. Harris (2014)"),
    "hollander2017resistance": ("(Hollander, 2017)", "Hollander (2017)"),
    "hutcheson2012dealing": ("(Hutcheson, 2012)", "Hutcheson (2012)"),
    "kabir2016factors": ("(Kabir, 2016)", "Kabir (2016)"),
    "yoo2016linking": ("(Yoo et al., 2016)", "Yoo et al. (2016)"),
    "dayanim2015infants": ("(Dayanim & Namy, 2015)", "Dayanim and Namy (2015)"),
    "leuker2020money": ("(Leuker et al., 2020)", "Leuker et al. (2020)"),
    "food2019authorizes": (
        "(U.S. Food and Drug Administration, 2019)",
        "U.S. Food and Drug Administration (2019)",
    ),
    "bologna2019anxiety": ("(Bologna, 2019)", "Bologna (2019)"),
    # 8.10: no date
    "censusndclock": ("(U.S. Census Bureau, n.d.)", "U.S. Census Bureau (n.d.)"),
    "american2014code": (
        "(American Counseling Association, 2014)",
        "American Counseling Association (2014)",
    ),
    # ch. 11: legal references are cited by their name and year
    "brown1954board": ("(Brown v. Board of Education, 1954)", "Brown v. Board of Education (1954)"),
    "every2015student": ("(Every Student Succeeds Act, 2015)", "Every Student Succeeds Act (2015)"),
    "united1989convention": (
        "(United Nations Convention on the Rights of the Child, 1989)",
        "United Nations Convention on the Rights of the Child (1989)",
    ),
    "charter1945united": ("(U.N. Charter, 1945)", "U.N. Charter (1945)"),
}


@pytest.mark.parametrize("key", CITATIONS)
def test_in_text(labels, key):
    parenthetical, narrative = CITATIONS[key]
    assert cite(labels, key) == parenthetical
    assert cite(labels, key, narrative=True) == narrative


def test_group_authors_with_abbreviations_are_introduced_once(labels):
    # 8.21: the abbreviation comes with the first citation, alone after it
    seen: set[str] = set()
    assert cite(labels, "who2018top", introduced=seen) == "(World Health Organization [WHO], 2018)"
    assert cite(labels, "who2018top", introduced=seen) == "(WHO, 2018)"
    assert cite(labels, "unsc2006resolution", narrative=True, introduced=seen) == (
        "United Nations Security Council (UNSC, 2006)"
    )
    assert cite(labels, "unsc2006resolution", narrative=True, introduced=seen) == "UNSC (2006)"


def html(entries, labels, key: str) -> str:
    return reference(entries, labels, key, "html")


def test_italics_of_works_and_their_parts(entries, labels):
    # 10.6: the title italic, the bracketed description roman
    assert html(entries, labels, "harris2014instructional").startswith(
        "Harris, L. (2014). <em>Instructional leadership perceptions and practices of "
        "elementary school leaders</em> [Unpublished doctoral dissertation]. "
    )
    # 10.2: what follows the title in parentheses is roman
    assert "<em>The psychology of the child</em> (H. Weaver, Trans.; 2nd ed.)" in html(
        entries, labels, "piaget1969psychology"
    )
    # 10.5: the series title, volume and volume title are one italic title
    assert (
        "<em>Lecture notes in computer science: Vol. 9562. Theory of cryptography</em>. "
        "Springer." in html(entries, labels, "kushilevitz2016theory")
    )
    # 10.3: the chapter roman, the book italic, its volume and pages roman
    chapter = html(entries, labels, "freud1961ego")
    assert "). The ego and the id. In J. Strachey (Ed. &amp; Trans.), <em>The standard" in chapter
    assert "Sigmund Freud</span></em> (Vol. 19, pp. 3–66)." in chapter
    # 10.1: the periodical and its volume italic, the issue and article number not
    assert "<em>PLoS ONE</em>, <em>13</em>(3), Article e0193972." in html(
        entries, labels, "jerrentrup2018teaching"
    )
    assert "<em>The New York Times</em>." in html(entries, labels, "carey2019forgetting")
    # 11: legal references have no italics in the list
    assert "<em>" not in html(entries, labels, "brown1954board")
    assert "<em>" not in html(entries, labels, "united1989convention")


def test_latex_markup(entries, labels):
    assert reference(entries, labels, "hollander2017resistance", "latex").startswith(
        "Hollander, M. M. (2017). \\emph{Resistance to authority: Methodological innovations "
        "and new lessons from the {Milgram} experiment} (Publication No. 10289373) [Doctoral "
        "dissertation, University of Wisconsin–Madison]. ProQuest"
    )


def test_titles_in_text_follow_the_reference_list(labels):
    def cite_html(key: str) -> str:
        segments = apa.format_citation([apa.Cited(labels[key])], False)
        return "".join(text.render_as("html") for text, _ in segments)

    # ch. 11, court decisions: a case name is italic in the text, not in the list
    assert cite_html("brown1954board") == "(<em>Brown v. Board of Education</em>, 1954)"
    # a statute or a treaty is not
    assert cite_html("every2015student") == "(Every Student Succeeds Act, 2015)"


def one(bib: str):
    entry = next(iter(parse_string(bib, "bibtex").entries.values()))
    return apa.format_reference(entry, apa.label_works([entry])[entry.key].year).render_as("text")


@pytest.mark.parametrize(
    ("bib", "expected"),
    [
        # BibTeX's @conference is @inproceedings
        (
            "@conference{nguyen2020shared, author = {Nguyen, T.}, title = {Shared}, "
            "booktitle = {Proceedings}, publisher = {ACM}, year = {2020}}",
            "Nguyen, T. (2020). Shared. In Proceedings. ACM.",
        ),
        # 10.4, brochure (@booklet): description from type
        (
            "@booklet{apa2019wellness, author = {{American Psychological Association}}, "
            "title = {Wellness Tips}, type = {Brochure}, howpublished = {Author Press}, "
            "date = {2019}}",
            "American Psychological Association. (2019). Wellness tips [Brochure]. Author Press.",
        ),
        # BibTeX's year and month: a month is shown where the type shows one
        (
            "@online{kim2019month, author = {Kim, E.}, title = {Talks}, year = {2019}, "
            "month = oct, organization = {CSIS}}",
            "Kim, E. (2019, October). Talks. CSIS.",
        ),
        # edition as a word, and a book's series and number, which APA 7 omits
        (
            "@book{kim2019talks, author = {Kim, E.}, title = {Talks}, edition = {third}, "
            "series = {Studies}, number = {4}, publisher = {Ecco}, date = {2019}}",
            "Kim, E. (2019). Talks (3rd ed.). Ecco.",
        ),
        (
            "@book{kim2019talks, author = {Kim, E.}, title = {Talks}, edition = {Revised}, "
            "volume = {2}, publisher = {Ecco}, date = {2019}}",
            "Kim, E. (2019). Talks (Rev. ed., Vol. 2). Ecco.",
        ),
        # an author with an editor: the editor after the title (10.2)
        (
            "@book{kim2019talks, author = {Kim, E.}, editor = {Lee, J. and Park, S.}, "
            "title = {Talks}, publisher = {Ecco}, date = {2019}}",
            "Kim, E. (2019). Talks (J. Lee & S. Park, Eds.). Ecco.",
        ),
        # a report's series labels its number
        (
            "@report{kim2019talks, author = {Kim, E.}, title = {Talks}, series = {Issue Brief}, "
            "number = {3}, institution = {CSIS}, date = {2019}}",
            "Kim, E. (2019). Talks (Issue Brief No. 3). CSIS.",
        ),
        # a report with a type but no number: a description (10.4)
        (
            "@report{kim2019talks, author = {Kim, E.}, title = {Talks}, type = {Policy brief}, "
            "institution = {CSIS}, date = {2019}}",
            "Kim, E. (2019). Talks [Policy brief]. CSIS.",
        ),
        # an arXiv eprint as its address (10.8)
        (
            "@misc{kim2019talks, author = {Kim, E.}, title = {Talks}, publisher = {arXiv}, "
            "eprint = {1905.00001}, eprinttype = {arxiv}, date = {2019}}",
            "Kim, E. (2019). Talks. arXiv. https://arxiv.org/abs/1905.00001",
        ),
        # 9.16: a book does not change: no retrieval date
        (
            "@book{kim2019talks, author = {Kim, E.}, title = {Talks}, publisher = {Ecco}, "
            "date = {2019}, url = {https://example.org/talks}, urldate = {2020-01-01}}",
            "Kim, E. (2019). Talks. Ecco. https://example.org/talks",
        ),
        # a chapter without pages: its chapter number (10.3)
        (
            "@incollection{kim2019talks, author = {Kim, E.}, title = {Talks}, "
            "booktitle = {Korea}, chapter = {4}, publisher = {Ecco}, date = {2019}}",
            "Kim, E. (2019). Talks. In Korea (Chapter 4). Ecco.",
        ),
    ],
)
def test_fields(bib, expected):
    assert one(bib) == expected


def test_twenty_authors_are_all_listed():
    # 9.8: up to 20 authors, all of them, & before the last
    names = " and ".join(f"Author{chr(65 + i)}, A." for i in range(20))
    text = one(
        f"@article{{authora2020many, author = {{{names}}}, title = {{Many}}, journal = {{J}}, date = {{2020}}}}"
    )
    assert text.startswith("AuthorA, A., AuthorB, A., ")
    assert ", AuthorS, A., & AuthorT, A. (2020)." in text


def test_twenty_one_or_more_authors_are_shortened():
    # 10.1 #6: the first 19, an ellipsis, the last (22 authors there)
    names = [
        "Kalnay, E.", "Kanamitsu, M.", "Kistler, R.", "Collins, W.", "Deaven, D.",
        "Gandin, L.", "Iredell, M.", "Saha, S.", "White, G.", "Woollen, J.", "Zhu, Y.",
        "Chelliah, M.", "Ebisuzaki, W.", "Higgins, W.", "Janowiak, J.", "Mo, K. C.",
        "Ropelewski, C.", "Wang, J.", "Leetmaa, A.", "Reynolds, R.", "Jenne, R.", "Joseph, D.",
    ]  # fmt: skip
    text = one(
        "@article{kalnay1996ncep, author = {" + " and ".join(names) + "}, "
        "title = {The {NCEP/NCAR} 40-Year Reanalysis Project}, "
        "journal = {Bulletin of the American Meteorological Society}, volume = {77}, "
        "number = {3}, pages = {437--471}, date = {1996}}"
    )
    assert text == (
        "Kalnay, E., Kanamitsu, M., Kistler, R., Collins, W., Deaven, D., Gandin, L., "
        "Iredell, M., Saha, S., White, G., Woollen, J., Zhu, Y., Chelliah, M., Ebisuzaki, W., "
        "Higgins, W., Janowiak, J., Mo, K. C., Ropelewski, C., Wang, J., Leetmaa, A., . . . "
        "Joseph, D. (1996). The NCEP/NCAR 40-year reanalysis project. Bulletin of the American "
        "Meteorological Society, 77(3), 437–471."
    )


def test_same_author_and_year_take_letters_in_text_and_list():
    # 8.19, 9.47: letters by title among works with the year alone, then by
    # date; the letter follows the original year of a republished work
    bib = parse_string(
        r"""
    @book{freud2010beta, author = {Freud, S.}, title = {Beta}, publisher = {P}, date = {2010}, origdate = {1900}}
    @book{freud2010alpha, author = {Freud, S.}, title = {Alpha}, publisher = {P}, date = {2010}}
    @online{freud2010aardvark, author = {Freud, S.}, title = {Aardvark}, date = {2010-05-01}}
    @unpublished{freudndgamma, author = {Freud, S.}, title = {Gamma}}
    @article{freud2030delta, author = {Freud, S.}, title = {Delta}, journal = {J}, pubstate = {inpress}}
    """,
        "bibtex",
    ).entries
    labels = apa.label_works(list(bib.values()))
    works = [apa.Cited(labels[k]) for k in bib]
    text = "".join(t.render_as("text") for t, _ in apa.format_citation(works, False))
    # 9.46: no date first, in press last
    assert text == "(Freud, n.d., 2010a, 1900/2010b, 2010c, in press)"


@pytest.mark.parametrize(
    ("bib", "message"),
    [
        (
            "@jurisdiction{brown1954board, author = {Warren, E.}, title = {Brown v. Board}, "
            "number = {347 U.S. 483}, date = {1954}}",
            "brown1954board: a @jurisdiction is named by its title, not by an author: remove "
            "the author and editor fields",
        ),
        (
            "@misc{kim2019talks, title = {Talks}, eprint = {1}, eprinttype = {ssrn}}",
            "kim2019talks: eprinttype 'ssrn' has no known address: write one of arxiv, hdl, "
            "jstor, pubmed, or give url = {...}",
        ),
        (
            "@unpublished{kim2019talks, title = {Talks}, eventtitle = {C}, date = {2019}, "
            "eventdate = {2019-08-11/2019-08-08}}",
            "kim2019talks: eventdate '2019-08-11/2019-08-08' ends before it begins",
        ),
        (
            "@patent{kim2019talks, title = {Talks}, date = {2019}}",
            "kim2019talks: entry type @patent is not one the APA style formats; use one of "
            "@article, @book, @booklet, @collection, @conference, @inbook, @incollection, "
            "@inproceedings, @jurisdiction, @legal, @legislation, @manual, @mastersthesis, "
            "@misc, @online, @phdthesis, @proceedings, @report, @techreport, @thesis, "
            "@unpublished",
        ),
    ],
)
def test_what_the_style_cannot_format_is_an_error(bib, message):
    entry = next(iter(parse_string(bib, "bibtex").entries.values()))
    with pytest.raises(apa.BibEntryError) as err:
        apa.format_reference(entry, "2019")
    assert str(err.value) == message
