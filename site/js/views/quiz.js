// The recap's quiz (buildtools/quiz.py prints it from site/quiz.toml): Check says right or
// wrong, names the right answer when it was wrong, and unfolds the explanation, which links to
// the section that shows it. The score line counts the questions answered right so far.
// Nothing here needs Python: the questions are about ideas the page has shown.

export default class QuizView {
  constructor(root) {
    this.questions = [...root.querySelectorAll(".quiz .question")];
    this.score = root.querySelector(".quiz-score");
    this.results = new Map(); // question id -> true (right) / false (wrong), once checked
    for (const q of this.questions) {
      q.querySelector(".quiz-check").addEventListener("click", () => this.check(q));
    }
  }

  live() {}

  /** {id: true/false} for each question checked so far: what tests compare with quiz.toml. */
  get shown() {
    return Object.fromEntries(this.results);
  }

  check(q) {
    const feedback = q.querySelector(".quiz-feedback");
    const picked = q.querySelector("input:checked");
    if (!picked) {
      feedback.textContent = "Pick one of the answers first.";
      feedback.classList.add("error");
      return;
    }
    const right = picked.value === q.dataset.answer;
    const answer = q.querySelectorAll("label")[Number(q.dataset.answer)].textContent.trim();
    feedback.textContent = right ? "Right." : `Not quite: the answer is “${answer}”.`;
    feedback.classList.toggle("error", !right);
    feedback.dataset.result = right ? "right" : "wrong";
    q.querySelector(".quiz-explain").hidden = false;
    this.results.set(q.id.replace(/^quiz-/, ""), right);
    const got = [...this.results.values()].filter(Boolean).length;
    this.score.textContent = `${got} of ${this.questions.length} right` +
      (this.results.size < this.questions.length ? ` (${this.results.size} checked so far).` : ".");
  }
}
