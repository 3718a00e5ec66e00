"""The gradebook's content: a cohort's quiz grades (``quizzes.cohort_grades``) and deliberation
grades (``deliberation.service.grades_in``) side by side, their averages, the CSV's header and
rows, and a student's exercises for "My grades".

A group's deliberation grade is every member's, so each member's row carries it.
"""
from dataclasses import dataclass

from ..content import current_course
from ..deliberation import service as deliberations
from ..quizzes.cohort_grades import cohort_quizzes, grade_table, quiz_average, waiting_answers


def cohort_deliberations(cohort):
    return current_course().deliberations_for_levels([cohort.level_id])


def deliberation_waiting(table):
    """Submitted deliberation attempts without a grade, oldest submission first (a group's once)."""
    attempts = {a.id: a for a in table.values() if not a.is_draft and a.score is None}
    return sorted(attempts.values(), key=lambda a: (a.submitted_at, a.id))


def deliberation_cell(attempt):
    """A deliberation attempt as a gradebook cell's text (a group's grade is every member's)."""
    if attempt is None:
        return ""
    return f"{100 * attempt.score:.1f}" if attempt.score is not None else attempt.status


def group_by_module(quizzes):
    """``[(module, [quizzes])]`` for runs of quizzes of one module, in order."""
    groups = []
    for quiz in quizzes:
        if groups and groups[-1][0] is quiz.module:
            groups[-1][1].append(quiz)
        else:
            groups.append((quiz.module, [quiz]))
    return groups


def column_name(quiz):
    """``Module 1: Test quiz``; a title that already names its module stays as it is."""
    code = quiz.module.code
    return quiz.title if quiz.title.startswith(code) else f"{code}: {quiz.title}"


@dataclass
class Gradebook:
    """One cohort's grades: ``table`` by (user id, quiz uuid), ``delib`` by (user id, exercise uuid)."""

    cohort: object
    students: list
    quizzes: list
    table: dict
    exercises: list
    delib: dict

    @classmethod
    def of(cls, cohort):
        quizzes, students, exercises = cohort_quizzes(cohort), cohort.students, cohort_deliberations(cohort)
        return cls(cohort, students, quizzes, grade_table(students, quizzes), exercises,
                   deliberations.grades_in(cohort, exercises))

    def averages(self):
        """``{quiz or exercise uuid: (mean score or None, how many students have a score)}``."""
        averages = {q.uuid: quiz_average([self.table[(s.id, q.uuid)] for s in self.students]) for q in self.quizzes}
        for exercise in self.exercises:
            scores = [self.delib[(s.id, exercise.uuid)].score for s in self.students
                      if (s.id, exercise.uuid) in self.delib]
            scores = [score for score in scores if score is not None]
            averages[exercise.uuid] = (sum(scores) / len(scores) if scores else None), len(scores)
        return averages

    def page(self):
        """What ``gradebook/gradebook.html`` shows."""
        return dict(cohort=self.cohort, quizzes=self.quizzes, groups=group_by_module(self.quizzes),
                    students=self.students, table=self.table, averages=self.averages(),
                    waiting=waiting_answers(self.students, self.quizzes, self.table),
                    exercises=self.exercises, delib=self.delib, delib_waiting=deliberation_waiting(self.delib))

    def csv_header(self):
        header = ["Name", "Email"]
        for quiz in self.quizzes:
            name = column_name(quiz)
            header += [f"{name} (%)", f"{name} attempts"]
        header += [f"{column_name(exercise)} (%)" for exercise in self.exercises]
        return header + ["Overrides"]

    def csv_rows(self):
        rows = []
        for student in self.students:
            row, overrides = [student.name, student.email], []
            for quiz in self.quizzes:
                grade = self.table[(student.id, quiz.uuid)].grade
                row += ["" if grade.score is None else f"{100 * grade.score:.1f}", grade.attempts]
                if grade.override is not None:
                    overrides.append(f"{column_name(quiz)}: {grade.override.reason}")
            row += [deliberation_cell(self.delib.get((student.id, exercise.uuid))) for exercise in self.exercises]
            rows.append(row + ["; ".join(overrides)])
        return rows


def exercise_rows(course, user):
    """``[(module, exercise, attempt or None)]`` for the deliberation exercises ``user`` takes part in."""
    rows = []
    for module in course.modules:
        for exercise in module.deliberations.values():
            cohort = deliberations.student_cohort(user, exercise) if exercise.uuid else None
            if cohort is not None:
                rows.append((module, exercise, deliberations.attempt_for_student(user.id, exercise, cohort)))
    return rows
